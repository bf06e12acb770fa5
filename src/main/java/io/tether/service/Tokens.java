package io.tether.service;

import io.tether.core.TetherException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Opaque page tokens made of a few strings (a list's sort key), base64url so clients do not build them. */
final class Tokens {
  private Tokens() {}

  static String encode(String... parts) {
    return Base64.getUrlEncoder().withoutPadding()
        .encodeToString(String.join("\n", parts).getBytes(StandardCharsets.UTF_8));
  }

  /** The {@code count} parts of a token {@link #encode} made; a 400 for anything else. */
  static String[] decode(String token, int count) {
    try {
      String[] parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split("\n", -1);
      if (parts.length != count) {
        throw new IllegalArgumentException();
      }
      return parts;
    } catch (IllegalArgumentException e) {
      throw TetherException.badRequest("after is not a token this server issued");
    }
  }
}
