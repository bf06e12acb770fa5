package io.tether.auth;

import io.tether.config.TetherConfig;
import io.tether.core.Principal;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies tokens of one external identity provider (Firebase Auth, Auth0, Keycloak, Cognito…) against
 * its JWKS, fetched on first use, cached, and fetched again once when a token names an unknown
 * {@code kid} (a key rotation), at most every {@code auth.jwksRefetchSeconds}. Each key is pinned to the
 * algorithm of its type. Users get ids of their own ({@code ext-<issuer hash>:<claim>}), so an
 * external subject can never pose as a built-in user. Thread-safe: shared by every event loop.
 */
final class ExternalIssuerVerifier {
  private static final Logger LOG = LoggerFactory.getLogger(ExternalIssuerVerifier.class);
  private static final Pattern SUBJECT = Pattern.compile("[A-Za-z0-9._:@|-]{1,150}");

  /** One fetched JWKS, immutable. */
  private record Keys(JWTAuth auth, Set<String> kids, long fetchedAt) {}

  private final Vertx vertx;
  private final HttpClient http;
  private final TetherConfig.ExternalIssuer config;
  private final int skewSeconds;
  private final long refetchMillis;
  private final String userPrefix;
  private volatile Keys keys;
  private final AtomicReference<Future<Keys>> fetching = new AtomicReference<>();

  ExternalIssuerVerifier(Vertx vertx, HttpClient http, TetherConfig.ExternalIssuer config, int skewSeconds,
                         int refetchSeconds) {
    this.vertx = vertx;
    this.http = http;
    this.config = config;
    this.skewSeconds = skewSeconds;
    this.refetchMillis = refetchSeconds * 1000L;
    this.userPrefix = "ext-" + shortHash(config.issuer()) + ":";
  }

  Future<Principal> verify(String token, JwtPeek peek) {
    String kid = peek.kid();
    if (kid == null) {
      return Future.failedFuture("external tokens must name their key (kid)");
    }
    Keys current = keys;
    boolean known = current != null && current.kids().contains(kid);
    boolean mayFetch = current == null || System.currentTimeMillis() - current.fetchedAt() >= refetchMillis;
    Future<Keys> ready = known || !mayFetch ? Future.succeededFuture(current) : fetch();
    return ready.compose(k -> {
      if (k == null || !k.kids().contains(kid)) {
        return Future.failedFuture("unknown key id");
      }
      try {
        return k.auth().authenticate(new TokenCredentials(token));
      } catch (RuntimeException malformed) {
        return Future.failedFuture(malformed);
      }
    }).compose(user -> {
      JsonObject claims = user.attributes().getJsonObject("accessToken", new JsonObject());
      Object subject = claims.getValue(config.userClaim());
      Long exp = claims.getLong("exp");
      if (exp == null || !(subject instanceof String s) || !SUBJECT.matcher(s).matches()) {
        return Future.failedFuture("token lacks exp or a usable " + config.userClaim());
      }
      return Future.succeededFuture(new Principal(userPrefix + s, exp));
    });
  }

  /** One fetch at a time: concurrent callers share it. */
  private Future<Keys> fetch() {
    Promise<Keys> mine = Promise.promise();
    if (!fetching.compareAndSet(null, mine.future())) {
      Future<Keys> theirs = fetching.get();
      return theirs != null ? theirs : Future.succeededFuture(keys);
    }
    http.request(new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(config.jwksUri()).setTimeout(5000))
        .compose(request -> request.send())
        .compose(response -> response.statusCode() == 200
            ? response.body()
            : Future.failedFuture("JWKS answered " + response.statusCode()))
        .map(body -> keysOf(body.toJsonObject()))
        .onSuccess(k -> keys = k)
        .onFailure(err -> LOG.warn("Fetching the JWKS of {} failed: {}", config.issuer(), err.getMessage()))
        .onComplete(ar -> {
          fetching.set(null);
          mine.handle(ar);
        });
    return mine.future();
  }

  private Keys keysOf(JsonObject jwks) {
    List<JsonObject> usable = new ArrayList<>();
    Set<String> kids = new HashSet<>();
    for (Object item : jwks.getJsonArray("keys", new io.vertx.core.json.JsonArray())) {
      if (!(item instanceof JsonObject key) || key.getString("kid") == null) {
        continue;
      }
      String alg = pinnedAlgorithm(key);
      if (alg != null && !"enc".equals(key.getString("use"))) {
        usable.add(key.copy().put("alg", alg));
        kids.add(key.getString("kid"));
      }
    }
    JWTAuth auth = JWTAuth.create(vertx, new JWTAuthOptions().setJwks(usable).setJWTOptions(new JWTOptions()
        .setIssuer(config.issuer()).setAudience(List.of(config.audience())).setLeeway(skewSeconds)));
    return new Keys(auth, Set.copyOf(kids), System.currentTimeMillis());
  }

  /** The one algorithm a key may verify: declared by the key, or implied by its type; never HMAC or none. */
  private static String pinnedAlgorithm(JsonObject key) {
    String declared = key.getString("alg");
    String implied = switch (String.valueOf(key.getString("kty"))) {
      case "RSA" -> "RS256";
      case "EC" -> switch (String.valueOf(key.getString("crv"))) {
        case "P-256" -> "ES256";
        case "P-384" -> "ES384";
        default -> null;
      };
      default -> null;
    };
    if (implied == null) {
      return null;
    }
    if (declared == null) {
      return implied;
    }
    boolean matches = implied.startsWith("RS") ? declared.matches("RS(256|384|512)|PS(256|384|512)") : declared.equals(implied);
    return matches ? declared : null;
  }

  private static String shortHash(String issuer) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(issuer.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
