package io.tether.core;

import io.vertx.core.json.JsonObject;

/**
 * Reads typed fields out of a JSON object that came from a client (a request body, a socket frame):
 * absent is the default, any other JSON type is a bad request naming the field, never a silent
 * conversion. One parser for REST, the sync protocol and GraphQL alike.
 */
public final class Fields {
  private Fields() {}

  /** A string field; absent is null. */
  public static String text(JsonObject json, String key) {
    Object value = json.getValue(key);
    if (value == null || value instanceof String) {
      return (String) value;
    }
    throw TetherException.badRequest(key + " must be a string");
  }

  /** A string field that must be present and not blank. */
  public static String requiredText(JsonObject json, String key) {
    String value = text(json, key);
    if (value == null || value.isBlank()) {
      throw TetherException.badRequest(key + " is required");
    }
    return value;
  }

  /** A boolean field; absent is {@code absent}. */
  public static boolean flag(JsonObject json, String key, boolean absent) {
    Object value = json.getValue(key);
    if (value == null) {
      return absent;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    throw TetherException.badRequest(key + " must be true or false");
  }

  /** A JSON object field that must be present. */
  public static JsonObject object(JsonObject json, String key) {
    if (json.getValue(key) instanceof JsonObject value) {
      return value;
    }
    throw TetherException.badRequest(key + " must be a JSON object");
  }

  /** A non-negative integer field; absent is 0. */
  public static long nonNegative(JsonObject json, String key) {
    Object value = json.getValue(key);
    if (value == null) {
      return 0;
    }
    if (value instanceof Number n && n.doubleValue() == n.longValue() && n.longValue() >= 0) {
      return n.longValue();
    }
    throw TetherException.badRequest(key + " must be a non-negative integer");
  }
}
