package io.tether.auth;

import io.tether.config.TetherConfig;
import io.tether.core.TetherException;
import io.tether.store.IdentityStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * Sign in with Apple, Google or another configured OpenID provider: a verified ID token becomes a
 * Tether session (access and refresh tokens, rotating as any other), for the user the provider
 * account belongs to ({@link IdentityStore#signIn}).
 */
public final class ProviderSignIn {
  private static final int MAX_ID_TOKEN = 16 * 1024;

  /** A session, and whether its user was made by this sign-in (an app shows its onboarding then). */
  public record Outcome(AccountService.Session session, boolean created) {}

  private final Map<String, IdTokenVerifier> verifiers = new HashMap<>();
  private final IdentityStore identities;
  private final AccountService accounts;

  public ProviderSignIn(Vertx vertx, HttpClient http, TetherConfig.Auth config, IdentityStore identities,
                        AccountService accounts) {
    for (TetherConfig.SignInProvider provider : config.signInProviders()) {
      verifiers.put(provider.name(), new IdTokenVerifier(vertx, http, provider, config.clockSkewSeconds(),
          config.jwksRefetchSeconds()));
    }
    this.identities = identities;
    this.accounts = accounts;
  }

  public Future<Outcome> exchange(String provider, String idToken, String nonce, String label) {
    IdTokenVerifier verifier = provider == null ? null : verifiers.get(provider);
    if (verifier == null) {
      return Future.failedFuture(TetherException.badRequest(verifiers.isEmpty()
          ? "no sign-in provider is configured (auth.signInProviders)"
          : "provider must be one of " + String.join(", ", new TreeSet<>(verifiers.keySet()))));
    }
    if (idToken == null || idToken.isEmpty() || idToken.length() > MAX_ID_TOKEN) {
      return Future.failedFuture(TetherException.badRequest("idToken is required (at most " + MAX_ID_TOKEN + " characters)"));
    }
    return verifier.verify(idToken, nonce)
        .compose(token -> identities.signIn(provider, token.subject(), token.email(), token.emailVerified()))
        .compose(signedIn -> accounts.session(signedIn.userId(), label)
            .map(session -> new Outcome(session, signedIn.how() == IdentityStore.SignedIn.How.CREATED)));
  }
}
