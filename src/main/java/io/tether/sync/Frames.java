package io.tether.sync;

import io.tether.core.ErrorCode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** Server-to-client frames of the sync protocol (except {@code change}, built once per change). */
final class Frames {
  private Frames() {}

  static String synced(Object id, String space, long cursor, String epoch) {
    return withId(new JsonObject().put("type", "synced"), id)
        .put("space", space).put("cursor", cursor).put("epoch", epoch).encode();
  }

  static String resyncRequired(Object id, String space, long minSeq, String epoch) {
    return withId(new JsonObject().put("type", "resync_required"), id)
        .put("space", space).put("minSeq", minSeq).put("epoch", epoch).encode();
  }

  static String error(Object id, ErrorCode code, String message) {
    return withId(new JsonObject().put("type", "error"), id)
        .put("code", code.code()).put("message", message).encode();
  }

  static String ack(Object id, List<JsonObject> results) {
    return withId(new JsonObject().put("type", "ack"), id).put("results", new JsonArray(results)).encode();
  }

  static String pong(Object id) {
    return withId(new JsonObject().put("type", "pong"), id).encode();
  }

  static String authenticated(Object id, String userId, long expiresAt) {
    return withId(new JsonObject().put("type", "authenticated"), id)
        .put("userId", userId).put("expiresAt", expiresAt).encode();
  }

  static String tokenExpiring(long expiresAt) {
    return new JsonObject().put("type", "token_expiring").put("expiresAt", expiresAt).encode();
  }

  private static JsonObject withId(JsonObject frame, Object id) {
    return id == null ? frame : frame.put("id", id);
  }
}
