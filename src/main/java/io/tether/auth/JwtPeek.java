package io.tether.auth;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The header and claims of a JWT, decoded but NOT verified: only used to pick the verifier (by
 * {@code iss}) and to refuse obviously bad tokens early. Nothing read here is trusted.
 */
record JwtPeek(JsonObject header, JsonObject claims) {

  /** Null when the token is not three base64url JSON segments. */
  static JwtPeek of(String token) {
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3 || parts[2].isEmpty()) {
      return null;
    }
    try {
      Base64.Decoder b64 = Base64.getUrlDecoder();
      return new JwtPeek(new JsonObject(new String(b64.decode(parts[0]), StandardCharsets.UTF_8)),
          new JsonObject(new String(b64.decode(parts[1]), StandardCharsets.UTF_8)));
    } catch (RuntimeException e) {
      return null;
    }
  }

  String alg() {
    return header.getValue("alg") instanceof String s ? s : null;
  }

  String kid() {
    return header.getValue("kid") instanceof String s ? s : null;
  }

  /**
   * Whether the header's {@code typ} says access token: absent, {@code JWT} or {@code at+jwt}
   * (RFC 9068), media-type prefix and case aside. An issuer that signs other kinds of tokens with
   * the same key (DPoP proofs, logout or security-event tokens) types them (RFC 8725 §3.11), and such
   * a token must not pass for an access token. The header is covered by the signature, so a
   * verified token's typ is its issuer's word.
   */
  boolean typedAsAccessToken() {
    Object typ = header.getValue("typ");
    if (typ == null) {
      return true;
    }
    if (!(typ instanceof String s)) {
      return false;
    }
    String type = s.toLowerCase(java.util.Locale.ROOT);
    if (type.startsWith("application/")) {
      type = type.substring("application/".length());
    }
    return type.equals("jwt") || type.equals("at+jwt");
  }

  String issuer() {
    return claims.getValue("iss") instanceof String s ? s : null;
  }
}
