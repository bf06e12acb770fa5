package io.tether.client;

import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** RFC 7386 JSON merge patch, as the server applies a {@code patch}: so a queued patch shows as it will land. */
final class MergePatch {
  private MergePatch() {}

  static @Nullable JsonElement apply(@Nullable JsonElement target, JsonElement patch) {
    if (!patch.isJsonObject()) {
      return patch.deepCopy();
    }
    JsonObject result = target != null && target.isJsonObject() ? target.getAsJsonObject().deepCopy() : new JsonObject();
    for (Map.Entry<String, JsonElement> e : patch.getAsJsonObject().entrySet()) {
      if (e.getValue() == null || e.getValue() instanceof JsonNull) {
        result.remove(e.getKey());
      } else {
        result.add(e.getKey(), apply(result.get(e.getKey()), e.getValue()));
      }
    }
    return result;
  }
}
