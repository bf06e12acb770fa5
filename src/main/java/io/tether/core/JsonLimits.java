package io.tether.core;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/** Parses untrusted JSON objects with a nesting limit; every failure is a 400 with a reason. */
public final class JsonLimits {
  private final int maxDepth;

  public JsonLimits(int maxDepth) {
    this.maxDepth = maxDepth;
  }

  /** Parses a JSON object, or throws a 400 naming what is wrong. */
  public JsonObject parseObject(String text) {
    if (text == null || text.isBlank()) {
      throw TetherException.badRequest("a JSON object body is required");
    }
    Object parsed;
    try {
      parsed = io.vertx.core.json.Json.decodeValue(text);
    } catch (DecodeException e) {
      throw TetherException.badRequest("malformed JSON");
    }
    if (!(parsed instanceof JsonObject object)) {
      throw TetherException.badRequest("expected a JSON object");
    }
    checkDepth(object);
    return object;
  }

  public void checkDepth(Object value) {
    if (depth(value, 0) > maxDepth) {
      throw TetherException.badRequest("JSON nested deeper than " + maxDepth + " levels");
    }
  }

  private int depth(Object value, int current) {
    if (current > maxDepth) {
      return current;
    }
    int deepest = current;
    if (value instanceof JsonObject object) {
      for (Map.Entry<String, Object> e : object) {
        deepest = Math.max(deepest, depth(e.getValue(), current + 1));
      }
    } else if (value instanceof JsonArray array) {
      for (Object item : array) {
        deepest = Math.max(deepest, depth(item, current + 1));
      }
    }
    return deepest;
  }
}
