package io.tether.core;

import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * RFC 7386 JSON merge patch on objects: {@code null} removes a member, nested objects merge, every
 * other value (arrays included) replaces. Pure; neither argument is modified.
 */
public final class MergePatch {
  private MergePatch() {}

  public static JsonObject apply(JsonObject target, JsonObject patch) {
    JsonObject result = target == null ? new JsonObject() : target.copy();
    for (Map.Entry<String, Object> member : patch) {
      Object value = member.getValue();
      if (value == null) {
        result.remove(member.getKey());
      } else if (value instanceof JsonObject nestedPatch) {
        Object existing = result.getValue(member.getKey());
        result.put(member.getKey(), apply(existing instanceof JsonObject obj ? obj : null, nestedPatch));
      } else {
        result.put(member.getKey(), value);
      }
    }
    return result;
  }
}
