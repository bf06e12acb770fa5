package io.tether.support;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Builds JWTs byte by byte, well-formed or hostile, and the keys to sign them; for tests. */
public final class Jwts {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private Jwts() {}

  public static KeyPair ecKeys() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public static KeyPair rsaKeys() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  public static JsonObject claims(String issuer, String audience, String subject, long expiresInSeconds) {
    long now = System.currentTimeMillis() / 1000;
    return new JsonObject().put("iss", issuer).put("aud", audience).put("sub", subject).put("iat", now)
        .put("exp", now + expiresInSeconds);
  }

  public static String es256(String kid, JsonObject claims, PrivateKey key) {
    return sign(new JsonObject().put("alg", "ES256").put("typ", "JWT").put("kid", kid), claims, "SHA256withECDSAinP1363Format", key);
  }

  /** ES256 with a header of the caller's choosing (alg is set). */
  public static String es256(JsonObject header, JsonObject claims, PrivateKey key) {
    return sign(header.copy().put("alg", "ES256"), claims, "SHA256withECDSAinP1363Format", key);
  }

  public static String rs256(String kid, JsonObject claims, PrivateKey key) {
    return sign(new JsonObject().put("alg", "RS256").put("typ", "JWT").put("kid", kid), claims, "SHA256withRSA", key);
  }

  /** HMAC-SHA256 with any bytes as the secret: used to forge tokens keyed with a public key. */
  public static String hs256(JsonObject header, JsonObject claims, byte[] secret) {
    String input = segment(header) + "." + segment(claims);
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return input + "." + B64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String unsigned(JsonObject header, JsonObject claims, String signature) {
    return segment(header) + "." + segment(claims) + "." + signature;
  }

  public static JsonObject jwk(ECPublicKey key, String kid) {
    return new JsonObject().put("kty", "EC").put("crv", "P-256").put("kid", kid).put("use", "sig")
        .put("x", B64.encodeToString(fixed(key.getW().getAffineX().toByteArray())))
        .put("y", B64.encodeToString(fixed(key.getW().getAffineY().toByteArray())));
  }

  public static JsonObject jwk(RSAPublicKey key, String kid) {
    return new JsonObject().put("kty", "RSA").put("kid", kid).put("alg", "RS256").put("use", "sig")
        .put("n", B64.encodeToString(unsignedBytes(key.getModulus().toByteArray())))
        .put("e", B64.encodeToString(unsignedBytes(key.getPublicExponent().toByteArray())));
  }

  private static byte[] fixed(byte[] raw) {
    byte[] out = new byte[32];
    int copy = Math.min(32, raw.length);
    System.arraycopy(raw, raw.length - copy, out, 32 - copy, copy);
    return out;
  }

  private static byte[] unsignedBytes(byte[] raw) {
    return raw.length > 1 && raw[0] == 0 ? java.util.Arrays.copyOfRange(raw, 1, raw.length) : raw;
  }

  private static String sign(JsonObject header, JsonObject claims, String algorithm, PrivateKey key) {
    String input = segment(header) + "." + segment(claims);
    try {
      Signature signature = Signature.getInstance(algorithm);
      signature.initSign(key);
      signature.update(input.getBytes(StandardCharsets.US_ASCII));
      return input + "." + B64.encodeToString(signature.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String segment(JsonObject json) {
    return B64.encodeToString(json.encode().getBytes(StandardCharsets.UTF_8));
  }
}
