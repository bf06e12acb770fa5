package io.tether.auth;

import io.tether.config.TetherConfig;
import io.tether.core.ErrorCode;
import io.tether.core.Principal;
import io.tether.core.TetherException;
import io.tether.ops.Metrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Issues access tokens and verifies every token the server is shown (REST, WebSocket upgrade and
 * {@code auth} frames). Built-in tokens are ES256 with a {@code kid} (HS256 only in development);
 * tokens of configured external issuers are checked against their JWKS. Every token must carry
 * {@code exp}, the expected {@code iss} and {@code aud}, and a valid signature under a key whose
 * algorithm is pinned; anything else (alg none, HMAC-for-RSA confusion, an unknown kid) is a 401.
 */
public final class TokenService {
  private static final java.util.regex.Pattern ES256_SIGNATURE = java.util.regex.Pattern.compile("[A-Za-z0-9_-]{86}");

  private final TetherConfig.Auth config;
  private final JWTAuth builtIn;
  private final boolean asymmetric;
  private final SigningKeys keys;
  private final Map<String, ExternalIssuerVerifier> external = new HashMap<>();
  private final Metrics metrics;
  private final VerifiedTokens verifiedTokens;
  private final DeletedUsers deletedUsers;

  public TokenService(Vertx vertx, TetherConfig.Auth config, SigningKeys keys, Metrics metrics) {
    this.config = config;
    this.metrics = metrics;
    this.keys = keys;
    this.asymmetric = keys != null;
    this.verifiedTokens = new VerifiedTokens(config.verifiedTokenCacheEntries());
    // Kept as long as a token issued just before the deletion can live.
    this.deletedUsers = new DeletedUsers(java.time.Duration.ofSeconds(config.accessTokenTtlSeconds() + 2L * config.clockSkewSeconds()),
        100_000);
    JWTAuthOptions options = new JWTAuthOptions().setJWTOptions(new JWTOptions()
        .setIssuer(config.issuer()).setAudience(List.of(config.audience())).setLeeway(config.clockSkewSeconds()));
    if (asymmetric) {
      options.addPubSecKey(keys.signer());
      keys.verifiers().forEach(options::addPubSecKey);
    } else {
      options.addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(config.jwtSecret()));
    }
    this.builtIn = JWTAuth.create(vertx, options);
    var http = vertx.createHttpClient();
    for (TetherConfig.ExternalIssuer issuer : config.externalIssuers()) {
      external.put(issuer.issuer(), new ExternalIssuerVerifier(vertx, http, issuer, config.clockSkewSeconds(),
          config.jwksRefetchSeconds()));
    }
  }

  /** A signed access token for a built-in user. */
  public String issue(String userId) {
    return issue(userId, null);
  }

  /** The same naming the session it belongs to ({@code sid}), so the session can be told apart from the user's others. */
  public String issue(String userId, String sessionId) {
    JsonObject claims = new JsonObject().put("sub", userId);
    if (sessionId != null) {
      claims.put("sid", sessionId);
    }
    return builtIn.generateToken(claims, new JWTOptions()
        .setAlgorithm(asymmetric ? "ES256" : "HS256")
        .setIssuer(config.issuer())
        .setAudience(List.of(config.audience()))
        .setExpiresInSeconds(config.accessTokenTtlSeconds()));
  }

  public int ttlSeconds() {
    return config.accessTokenTtlSeconds();
  }

  /** The published public keys (empty in HS256 development mode). */
  public JsonObject jwks() {
    return keys == null ? new JsonObject().put("keys", new io.vertx.core.json.JsonArray()) : keys.jwks();
  }

  /** The principal of a valid token, or a failed future with a 401 {@link TetherException}. */
  public Future<Principal> verify(String token) {
    return verifyEvenIfDeleted(token).compose(principal -> deletedUsers.contains(principal.userId())
        ? Future.failedFuture(unauthorized("this account has been deleted"))
        : Future.succeededFuture(principal));
  }

  /** The users deleted lately, whose tokens {@link #verify} refuses. */
  public DeletedUsers deletedUsers() {
    return deletedUsers;
  }

  /** {@link #verify}, but a deleted user's token passes: only for repeating the deletion (it is idempotent). */
  public Future<Principal> verifyEvenIfDeleted(String token) {
    if (token == null || token.isBlank()) {
      return refuse("missing");
    }
    long now = System.currentTimeMillis() / 1000;
    Principal known = verifiedTokens.get(token, now);
    if (known != null) {
      return Future.succeededFuture(known);
    }
    JwtPeek peek = JwtPeek.of(token);
    if (peek == null || peek.alg() == null) {
      return refuse("malformed");
    }
    if ("none".equalsIgnoreCase(peek.alg())) {
      return refuse("alg_none");
    }
    if (!peek.typedAsAccessToken()) {
      return refuse("wrong_type");
    }
    if (!config.issuer().equals(peek.issuer()) && !external.containsKey(peek.issuer())) {
      return refuse("unknown_issuer");
    }
    Future<Principal> verified;
    if (config.issuer().equals(peek.issuer())) {
      verified = asymmetric && peek.kid() == null
          ? Future.failedFuture("built-in tokens name their key")
          : asymmetric && !ES256_SIGNATURE.matcher(token.substring(token.lastIndexOf('.') + 1)).matches()
          // A decoder that ignores trailing characters would accept a token with bytes appended to its
          // signature: only the canonical form (64 bytes, 86 base64url characters) is taken.
          ? Future.failedFuture("malformed signature")
          : authenticate(token);
    } else {
      ExternalIssuerVerifier verifier = external.get(peek.issuer());
      verified = verifier == null ? Future.failedFuture("unknown issuer") : verifier.verify(token, peek);
    }
    return verified
        .onSuccess(principal -> verifiedTokens.put(token, principal, now))
        .recover(err -> refuse(reasonOf(err)));
  }

  private Future<Principal> refuse(String reason) {
    metrics.authFailed(reason);
    if (reason.equals("expired")) {
      return Future.failedFuture(new TetherException(ErrorCode.TOKEN_EXPIRED, "access token expired"));
    }
    return Future.failedFuture(unauthorized(reason.equals("missing") ? "missing access token" : "invalid access token"));
  }

  private static String reasonOf(Throwable err) {
    String message = String.valueOf(err.getMessage()).toLowerCase(java.util.Locale.ROOT);
    if (message.contains("expired")) {
      return "expired";
    }
    if (message.contains("key") || message.contains("kid")) {
      return "unknown_key";
    }
    if (message.contains("audience") || message.contains("issuer")) {
      return "wrong_audience_or_issuer";
    }
    return "invalid";
  }

  /** The JWT library throws on some malformed claims (a null exp) instead of failing: both are a 401. */
  private Future<Principal> authenticate(String token) {
    try {
      return builtIn.authenticate(new TokenCredentials(token)).compose(user -> principal(user.attributes()));
    } catch (RuntimeException malformed) {
      return Future.failedFuture(malformed);
    }
  }

  private static Future<Principal> principal(JsonObject attributes) {
    JsonObject claims = attributes.getJsonObject("accessToken", new JsonObject());
    Long exp = claims.getLong("exp");
    String sub = claims.getString("sub");
    if (exp == null || sub == null || sub.isBlank()) {
      return Future.failedFuture("access token lacks exp or sub");
    }
    return Future.succeededFuture(new Principal(sub, exp, claims.getString("sid"), 0));
  }

  private static TetherException unauthorized(String message) {
    return new TetherException(ErrorCode.UNAUTHORIZED, message);
  }
}
