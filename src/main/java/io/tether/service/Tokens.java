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

  /** A list's position: the sort time and id of the last item of the page before. */
  record Keyset(java.time.OffsetDateTime at, String id) {}

  static String encode(java.time.OffsetDateTime at, String id) {
    return encode(at.toString(), id);
  }

  /** The keyset {@link #encode(java.time.OffsetDateTime, String)} made; a 400 for anything else. */
  static Keyset decodeKeyset(String token) {
    String[] parts = decode(token, 2);
    try {
      return new Keyset(java.time.OffsetDateTime.parse(parts[0]), parts[1]);
    } catch (java.time.format.DateTimeParseException e) {
      throw TetherException.badRequest("after is not a token this server issued");
    }
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
