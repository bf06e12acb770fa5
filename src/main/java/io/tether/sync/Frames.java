package io.tether.sync;

import io.tether.core.ErrorCode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** Server-to-client frames of the sync protocol (except {@code change}, built once per change). */
final class Frames {
  private Frames() {}

  static String synced(Object id, String space, long cursor, String epoch) {
    return withId(new JsonObject().put("type", FrameType.SYNCED.wire()), id)
        .put("space", space).put("cursor", cursor).put("epoch", epoch).encode();
  }

  static String resyncRequired(Object id, String space, long minSeq, String epoch) {
    return withId(new JsonObject().put("type", FrameType.RESYNC_REQUIRED.wire()), id)
        .put("space", space).put("minSeq", minSeq).put("epoch", epoch).encode();
  }

  static String error(Object id, ErrorCode code, String message) {
    return withId(new JsonObject().put("type", FrameType.ERROR.wire()), id)
        .put("code", code.code()).put("message", message).encode();
  }

  static String ack(Object id, List<JsonObject> results) {
    return withId(new JsonObject().put("type", FrameType.ACK.wire()), id).put("results", new JsonArray(results)).encode();
  }

  static String pong(Object id) {
    return withId(new JsonObject().put("type", FrameType.PONG.wire()), id).encode();
  }

  static String authenticated(Object id, String userId, long expiresAt) {
    return withId(new JsonObject().put("type", FrameType.AUTHENTICATED.wire()), id)
        .put("userId", userId).put("expiresAt", expiresAt).encode();
  }

  static String tokenExpiring(long expiresAt) {
    return new JsonObject().put("type", FrameType.TOKEN_EXPIRING.wire()).put("expiresAt", expiresAt).encode();
  }

  static String unsubscribed(Object id, String space) {
    return withId(new JsonObject().put("type", FrameType.UNSUBSCRIBED.wire()), id).put("space", space).encode();
  }

  /** Ends a subscription whose user was removed from the space. */
  static String revoked(String space) {
    return new JsonObject().put("type", FrameType.ERROR.wire()).put("code", ErrorCode.FORBIDDEN.code())
        .put("space", space).put("message", "you are no longer a member of " + space).encode();
  }

  /** Ends every subscription to a space that was deleted (a later create of the name is another space). */
  static String spaceDeleted(String space) {
    return new JsonObject().put("type", FrameType.SPACE_DELETED.wire()).put("space", space).encode();
  }

  /** A document that matched the subscription's queries before this change and does not now. */
  static String leave(io.tether.core.ChangeFrame change) {
    JsonObject full = new JsonObject(change.frame());
    return new JsonObject().put("type", FrameType.CHANGE.wire()).mergeIn(io.tether.core.Change.leave(change.space(),
        change.seq(), change.collection(), change.id(), full.getLong("version"), full.getBoolean("deleted"),
        full.getString("actor"), full.getString("ts"))).encode();
  }

  /** Changes up to {@code seq} were skipped by the subscription's queries: resume from here. */
  static String cursor(String space, long seq) {
    return new JsonObject().put("type", FrameType.CURSOR.wire()).put("space", space).put("seq", seq).encode();
  }

  private static JsonObject withId(JsonObject frame, Object id) {
    return id == null ? frame : frame.put("id", id);
  }
}
