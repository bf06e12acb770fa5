package io.tether.core;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Parses untrusted JSON objects with a nesting limit; every failure is a 400 with a reason. */
public final class JsonLimits {
  private final int maxDepth;

  public JsonLimits(int maxDepth) {
    this.maxDepth = maxDepth;
  }

  /** Parses a JSON object from bytes that must be valid UTF-8, or throws a 400 naming what is wrong. */
  public JsonObject parseObject(Buffer bytes) {
    if (bytes == null || bytes.length() == 0) {
      throw TetherException.badRequest("a JSON object body is required");
    }
    try {
      return parseObject(StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.getBytes())).toString());
    } catch (CharacterCodingException e) {
      throw TetherException.badRequest("the body is not valid UTF-8");
    }
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

  /** Checks nesting and refuses U+0000, which PostgreSQL cannot store in jsonb. */
  public void checkDepth(Object value) {
    if (depth(value, 0) > maxDepth) {
      throw TetherException.badRequest("JSON nested deeper than " + maxDepth + " levels");
    }
  }

  private static void checkText(String text) {
    if (text.indexOf(0) >= 0) {
      throw TetherException.badRequest("JSON strings may not contain U+0000");
    }
  }

  private int depth(Object value, int current) {
    if (current > maxDepth) {
      return current;
    }
    int deepest = current;
    if (value instanceof String text) {
      checkText(text);
    } else if (value instanceof JsonObject object) {
      for (Map.Entry<String, Object> e : object) {
        checkText(e.getKey());
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
