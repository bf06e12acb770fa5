package io.tether.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Unguessable codes (invites, email codes, space ids): random bytes from {@link SecureRandom} in
 * base64url, and the SHA-256 by which a code is stored, so a leaked database holds no usable code.
 */
public final class SecretCodes {
  private static final SecureRandom RANDOM = new SecureRandom();

  private SecretCodes() {}

  /** {@code bytes} random bytes, base64url without padding (32 bytes: 43 characters). */
  public static String random(int bytes) {
    byte[] raw = new byte[bytes];
    RANDOM.nextBytes(raw);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
  }

  /** Whether {@code code} could be one of {@link #random}({@code bytes}): checked before it is hashed or looked up. */
  public static boolean wellFormed(String code, int bytes) {
    int length = (bytes * 4 + 2) / 3;
    return code != null && code.length() == length && code.chars().allMatch(c -> c >= 'A' && c <= 'Z'
        || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_');
  }

  public static byte[] hash(String code) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(code.getBytes(StandardCharsets.US_ASCII));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
