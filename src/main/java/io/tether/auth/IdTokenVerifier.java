package io.tether.auth;

import io.tether.config.TetherConfig;
import io.tether.core.ErrorCode;
import io.tether.core.TetherException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Checks an OpenID Connect ID token of one sign-in provider (Apple, Google, any OIDC issuer): the
 * signature against the provider's JWKS, then issuer, audience (and {@code azp} when there are
 * several), expiry and issue time, and the nonce. Each refusal says which check failed, for the
 * developer wiring it up; none of them depends on Tether's own accounts.
 */
final class IdTokenVerifier {
  private static final Pattern SUBJECT = Pattern.compile("[\\x21-\\x7e]{1,255}");
  private static final int MAX_NONCE = 512;

  /** What a verified ID token says: the subject, and the email with whether the provider vouches for it. */
  record IdToken(String subject, String email, boolean emailVerified) {}

  private final TetherConfig.SignInProvider provider;
  private final List<String> audiences;
  private final int skewSeconds;
  private final Jwks jwks;

  IdTokenVerifier(Vertx vertx, HttpClient http, TetherConfig.SignInProvider provider, int skewSeconds, int refetchSeconds) {
    this.provider = provider;
    this.audiences = provider.audiences();
    this.skewSeconds = skewSeconds;
    // Vert.x checks the signature and exp/iat/nbf with this leeway; issuer and audience are checked here.
    this.jwks = new Jwks(vertx, http, provider.jwksUri(), provider.name(), new JWTOptions().setLeeway(skewSeconds),
        refetchSeconds * 1000L);
  }

  Future<IdToken> verify(String idToken, String nonce) {
    JwtPeek peek = JwtPeek.of(idToken);
    if (peek == null) {
      return refused("idToken is not a signed JWT (three base64url parts)");
    }
    if (nonce != null && (nonce.isEmpty() || nonce.length() > MAX_NONCE)) {
      return Future.failedFuture(TetherException.badRequest("nonce must be 1 to " + MAX_NONCE + " characters"));
    }
    return jwks.verify(idToken, peek.kid())
        .recover(err -> refused("the ID token's signature or times do not verify against " + provider.name()
            + "'s keys (" + err.getMessage() + ")"))
        .compose(claims -> checked(claims, nonce));
  }

  private boolean hashesNonce() {
    return "apple".equals(provider.name()) || "firebase".equals(provider.name());
  }

  private Future<IdToken> checked(JsonObject claims, String nonce) {
    String issuer = claims.getValue("iss") instanceof String s ? s : null;
    // Google's tokens say either form: https://accounts.google.com or accounts.google.com.
    boolean issuerOk = provider.issuer().equals(issuer)
        || "google".equals(provider.name()) && issuer != null && provider.issuer().equals("https://" + issuer);
    if (!issuerOk) {
      return refused("the ID token's issuer is not " + provider.issuer());
    }
    List<String> aud = audiencesOf(claims.getValue("aud"));
    if (aud.stream().noneMatch(audiences::contains)) {
      return refused("the ID token's audience is not one of this server's client ids for " + provider.name());
    }
    // OpenID Connect Core 3.1.3.7: with several audiences, the party it was issued to must be ours.
    if (aud.size() > 1 && !(claims.getValue("azp") instanceof String azp && audiences.contains(azp))) {
      return refused("the ID token has several audiences and its azp is not one of this server's client ids");
    }
    long now = System.currentTimeMillis() / 1000;
    if (!(claims.getValue("exp") instanceof Number exp) || exp.longValue() + skewSeconds < now) {
      return refused("the ID token has expired");
    }
    if (!(claims.getValue("iat") instanceof Number iat) || iat.longValue() - skewSeconds > now) {
      return refused("the ID token lacks iat or is issued in the future");
    }
    Object claimed = claims.getValue("nonce");
    if (nonce != null || claimed != null) {
      if (nonce == null) {
        return Future.failedFuture(TetherException.badRequest("this ID token carries a nonce: send it"));
      }
      // Apple and Firebase put the SHA-256 of the app's nonce in the token, Google and OpenID
      // providers the nonce itself. Only that one form is accepted: were the claim itself accepted
      // as the nonce, whoever holds the token could present it, and the check would prove nothing.
      String expected = hashesNonce() ? sha256Hex(nonce) : nonce;
      if (!(claimed instanceof String c) || !(hashesNonce() ? c.equalsIgnoreCase(expected) : c.equals(expected))) {
        return refused("the ID token's nonce does not match");
      }
    }
    if (!(claims.getValue("sub") instanceof String subject) || !SUBJECT.matcher(subject).matches()) {
      return refused("the ID token lacks a usable sub");
    }
    String email = claims.getValue("email") instanceof String e && e.length() <= 254 && e.contains("@")
        ? e.trim().toLowerCase(Locale.ROOT) : null;
    // Apple sends email_verified as the string "true", Google as a boolean.
    Object verified = claims.getValue("email_verified");
    boolean vouched = email != null && (Boolean.TRUE.equals(verified) || "true".equals(verified));
    return Future.succeededFuture(new IdToken(subject, email, vouched));
  }

  private static List<String> audiencesOf(Object aud) {
    if (aud instanceof String one) {
      return List.of(one);
    }
    if (aud instanceof JsonArray many) {
      return many.stream().filter(String.class::isInstance).map(String.class::cast).toList();
    }
    return List.of();
  }

  private static <T> Future<T> refused(String why) {
    return Future.failedFuture(new TetherException(ErrorCode.UNAUTHORIZED, why));
  }

  private static String sha256Hex(String value) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
