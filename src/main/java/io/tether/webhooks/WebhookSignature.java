package io.tether.webhooks;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@code Tether-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>}. The receiver
 * recomputes it over the raw body, compares in constant time, and refuses timestamps older than a
 * few minutes (replays). Deliveries also carry the Standard Webhooks headers ({@link #standard}), so
 * the verifier libraries of every language check them as they are.
 */
public final class WebhookSignature {
  private WebhookSignature() {}

  public static String header(String secret, long unixSeconds, byte[] body) {
    return "t=" + unixSeconds + ",v1=" + hmac(secret, unixSeconds, body);
  }

  public static String hmac(String secret, long unixSeconds, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update((unixSeconds + ".").getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  /**
   * Standard Webhooks' {@code webhook-signature}: {@code v1,<base64 HMAC-SHA256(key, "<id>.<t>.<body>")>}.
   * The key is the secret's bytes, or for a {@code whsec_…} secret the bytes its base64 stands for;
   * the libraries take the secret as {@code whsec_} and the base64 of those bytes.
   */
  public static String standard(String secret, String id, long unixSeconds, byte[] body) {
    byte[] key = secret.startsWith("whsec_") ? java.util.Base64.getDecoder().decode(secret.substring(6))
        : secret.getBytes(StandardCharsets.UTF_8);
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      mac.update((id + "." + unixSeconds + ".").getBytes(StandardCharsets.UTF_8));
      return "v1," + java.util.Base64.getEncoder().encodeToString(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }
}
