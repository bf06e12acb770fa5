package io.tether.auth;

import io.tether.config.TetherConfig;
import io.tether.core.ErrorCode;
import io.tether.core.Principal;
import io.tether.core.TetherException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.util.List;

/**
 * Issues and verifies access tokens (JWT, HS256, pinned). Verification requires {@code exp}, the
 * configured {@code iss} and {@code aud}, and a valid signature; anything else is a 401.
 */
public final class TokenService {
  private final JWTAuth jwt;
  private final TetherConfig.Auth config;

  public TokenService(Vertx vertx, TetherConfig.Auth config) {
    this.config = config;
    JWTOptions options = new JWTOptions()
        .setAlgorithm("HS256")
        .setIssuer(config.issuer())
        .setAudience(List.of(config.audience()))
        .setLeeway(config.clockSkewSeconds());
    this.jwt = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(config.jwtSecret()))
        .setJWTOptions(options));
  }

  /** A signed access token for the user. */
  public String issue(String userId) {
    return jwt.generateToken(new JsonObject().put("sub", userId), new JWTOptions()
        .setAlgorithm("HS256")
        .setIssuer(config.issuer())
        .setAudience(List.of(config.audience()))
        .setExpiresInSeconds(config.accessTokenTtlSeconds()));
  }

  public int ttlSeconds() {
    return config.accessTokenTtlSeconds();
  }

  /** The principal of a valid token, or a failed future with a 401 {@link TetherException}. */
  public Future<Principal> verify(String token) {
    if (token == null || token.isBlank()) {
      return Future.failedFuture(unauthorized("missing access token"));
    }
    return jwt.authenticate(new TokenCredentials(token))
        .recover(err -> Future.failedFuture(unauthorized("invalid access token")))
        .compose(user -> {
          JsonObject claims = user.attributes().getJsonObject("accessToken", new JsonObject());
          Long exp = claims.getLong("exp");
          String sub = claims.getString("sub");
          if (exp == null || sub == null || sub.isBlank()) {
            return Future.failedFuture(unauthorized("access token lacks exp or sub"));
          }
          return Future.succeededFuture(new Principal(sub, exp));
        });
  }

  private static TetherException unauthorized(String message) {
    return new TetherException(ErrorCode.UNAUTHORIZED, message);
  }
}
