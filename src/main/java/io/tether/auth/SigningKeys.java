package io.tether.auth;

import io.tether.config.ConfigException;
import io.tether.config.TetherConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.PubSecKeyOptions;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.jce.ECNamedCurveTable;

/**
 * The ES256 keys of the built-in issuer: the current key signs, the current and the previous (during a
 * rotation) verify, and both public halves are published as a JWKS. Read once at start-up (blocking).
 */
public final class SigningKeys {
  private final PubSecKeyOptions signer;
  private final List<PubSecKeyOptions> verifiers;
  private final JsonArray jwks;

  private SigningKeys(PubSecKeyOptions signer, List<PubSecKeyOptions> verifiers, JsonArray jwks) {
    this.signer = signer;
    this.verifiers = verifiers;
    this.jwks = jwks;
  }

  /** The configured keys, or null when none is configured (development with an HS256 secret). */
  public static SigningKeys load(TetherConfig.Auth auth) {
    if (!auth.hasSigningKey()) {
      return null;
    }
    String pem = auth.signingKey() != null ? auth.signingKey() : read(auth.signingKeyFile(), "auth.signingKeyFile");
    ECPrivateKey privateKey = privateKey(pem, "auth.signingKeyFile");
    ECPublicKey publicKey = publicOf(privateKey);
    List<PubSecKeyOptions> verifiers = new ArrayList<>();
    JsonArray jwks = new JsonArray();
    verifiers.add(verifier(publicKey, auth.signingKeyId()));
    jwks.add(jwk(publicKey, auth.signingKeyId()));
    if (auth.previousKeyFile() != null) {
      String previousPem = read(auth.previousKeyFile(), "auth.previousKeyFile");
      ECPublicKey previous = previousPem.contains("PRIVATE KEY")
          ? publicOf(privateKey(previousPem, "auth.previousKeyFile"))
          : publicKey(previousPem);
      verifiers.add(verifier(previous, auth.previousKeyId()));
      jwks.add(jwk(previous, auth.previousKeyId()));
    }
    PubSecKeyOptions signer = new PubSecKeyOptions().setAlgorithm("ES256").setId(auth.signingKeyId())
        .setBuffer(pem("PRIVATE KEY", privateKey.getEncoded()));
    return new SigningKeys(signer, List.copyOf(verifiers), jwks);
  }

  /**
   * The keys of a development node that has no configured key: {@code pem} was generated for its
   * database (see {@code GeneratedKeyStore}); its kid names the key, so a new database's tokens are
   * told apart from an old one's.
   */
  public static SigningKeys generated(String pem) {
    ECPrivateKey privateKey = privateKey(pem, "the generated signing key");
    ECPublicKey publicKey = publicOf(privateKey);
    String kid;
    try {
      kid = "generated-" + java.util.HexFormat.of().formatHex(
          java.security.MessageDigest.getInstance("SHA-256").digest(publicKey.getEncoded())).substring(0, 12);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    PubSecKeyOptions signer = new PubSecKeyOptions().setAlgorithm("ES256").setId(kid)
        .setBuffer(pem("PRIVATE KEY", privateKey.getEncoded()));
    return new SigningKeys(signer, List.of(verifier(publicKey, kid)), new JsonArray().add(jwk(publicKey, kid)));
  }

  /** A new P-256 private key as PKCS#8 PEM. */
  public static String generatePem() {
    try {
      java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("EC");
      generator.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
      return pem("PRIVATE KEY", generator.generateKeyPair().getPrivate().getEncoded());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate a P-256 key", e);
    }
  }

  PubSecKeyOptions signer() {
    return signer;
  }

  List<PubSecKeyOptions> verifiers() {
    return verifiers;
  }

  /** The public keys as a JWK Set, for {@code /.well-known/jwks.json}. */
  public JsonObject jwks() {
    return new JsonObject().put("keys", jwks.copy());
  }

  private static PubSecKeyOptions verifier(ECPublicKey key, String kid) {
    return new PubSecKeyOptions().setAlgorithm("ES256").setId(kid).setBuffer(pem("PUBLIC KEY", key.getEncoded()));
  }

  private static JsonObject jwk(ECPublicKey key, String kid) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    return new JsonObject().put("kty", "EC").put("crv", "P-256").put("alg", "ES256").put("use", "sig").put("kid", kid)
        .put("x", b64.encodeToString(unsigned(key.getW().getAffineX())))
        .put("y", b64.encodeToString(unsigned(key.getW().getAffineY())));
  }

  /** A P-256 coordinate as exactly 32 big-endian bytes, as JWK requires. */
  private static byte[] unsigned(BigInteger value) {
    byte[] raw = value.toByteArray();
    byte[] out = new byte[32];
    int copy = Math.min(raw.length, 32);
    System.arraycopy(raw, raw.length - copy, out, 32 - copy, copy);
    return out;
  }

  private static ECPrivateKey privateKey(String pem, String key) {
    try {
      return (ECPrivateKey) KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der(pem, key)));
    } catch (GeneralSecurityException | ClassCastException e) {
      throw new ConfigException(key, "expected an EC P-256 private key in PKCS#8 PEM (openssl genpkey -algorithm EC "
          + "-pkeyopt ec_paramgen_curve:P-256)");
    }
  }

  private static ECPublicKey publicKey(String pem) {
    try {
      return (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der(pem, "auth.previousKeyFile")));
    } catch (GeneralSecurityException | ClassCastException e) {
      throw new ConfigException("auth.previousKeyFile", "expected an EC P-256 key in PEM");
    }
  }

  /** Q = d·G: a PKCS#8 key need not carry its public half, so it is computed. */
  private static ECPublicKey publicOf(ECPrivateKey key) {
    var point = ECNamedCurveTable.getParameterSpec("secp256r1").getG().multiply(key.getS()).normalize();
    ECPoint w = new ECPoint(point.getAffineXCoord().toBigInteger(), point.getAffineYCoord().toBigInteger());
    try {
      return (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, key.getParams()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot derive the public key", e);
    }
  }

  private static byte[] der(String pem, String key) {
    String body = pem.replaceAll("-----(BEGIN|END) [A-Z ]+-----", "").replaceAll("\\s", "");
    try {
      return Base64.getDecoder().decode(body);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key, "not a PEM key");
    }
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  private static String read(String file, String key) {
    try {
      return Files.readString(Path.of(file));
    } catch (IOException e) {
      throw new ConfigException(key, "cannot read " + file + ": " + e.getMessage());
    }
  }
}
