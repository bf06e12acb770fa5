package io.tether.auth;

import io.tether.config.TetherConfig;
import io.tether.core.Principal;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.ext.auth.JWTOptions;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Verifies tokens of one external identity provider (Firebase Auth, Auth0, Keycloak, Cognito…) against
 * its JWKS ({@link Jwks}), issuer and audience checked by Vert.x. Users get ids of their own
 * ({@code ext-<issuer hash>:<claim>}), so an external subject can never pose as a built-in user.
 */
final class ExternalIssuerVerifier {
  private static final Pattern SUBJECT = Pattern.compile("[A-Za-z0-9._:@|-]{1,150}");

  private final TetherConfig.ExternalIssuer config;
  private final String userPrefix;
  private final Jwks jwks;

  ExternalIssuerVerifier(Vertx vertx, HttpClient http, TetherConfig.ExternalIssuer config, int skewSeconds,
                         int refetchSeconds) {
    this.config = config;
    this.userPrefix = "ext-" + shortHash(config.issuer()) + ":";
    this.jwks = new Jwks(vertx, http, config.jwksUri(), config.issuer(), new JWTOptions()
        .setIssuer(config.issuer()).setAudience(List.of(config.audience())).setLeeway(skewSeconds), refetchSeconds * 1000L);
  }

  Future<Principal> verify(String token, JwtPeek peek) {
    return jwks.verify(token, peek.kid()).compose(claims -> {
      Object subject = claims.getValue(config.userClaim());
      Long exp = claims.getLong("exp");
      if (exp == null || !(subject instanceof String s) || !SUBJECT.matcher(s).matches()) {
        return Future.failedFuture("token lacks exp or a usable " + config.userClaim());
      }
      Long signedIn = claims.getValue("auth_time") instanceof Number t ? Long.valueOf(t.longValue()) : claims.getLong("iat");
      return Future.succeededFuture(new Principal(userPrefix + s, exp, null, signedIn == null ? 0 : signedIn));
    });
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
