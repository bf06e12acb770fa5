package io.tether.service;

import io.tether.core.SecretCodes;

/** Ids the server makes for spaces: 128 random bits, base64url (22 characters, a valid space id). */
final class SpaceIds {
  private SpaceIds() {}

  static String next() {
    return SecretCodes.random(16);
  }
}
