package io.tether.service;

import java.security.SecureRandom;
import java.util.Base64;

/** Ids the server makes for spaces: 128 random bits, base64url (22 characters, a valid space id). */
final class SpaceIds {
  private static final SecureRandom RANDOM = new SecureRandom();

  private SpaceIds() {}

  static String next() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
