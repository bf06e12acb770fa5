package io.tether.core;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * One committed write of a space. {@code seq} is its gap-free position in the space's history;
 * {@code data} is the whole document after the change, null after a delete.
 */
public record Change(String space, long seq, String collection, String id, Op op, long version,
                     JsonObject data, boolean deleted, String mutationId, String actor, Instant ts) {

  /** The kind of write. */
  public enum Op {
    PUT, PATCH, DELETE;

    public String wire() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Op fromWire(String wire) {
      return valueOf(wire.toUpperCase(java.util.Locale.ROOT));
    }
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("space", space).put("seq", seq)
        .put("collection", collection).put("id", id)
        .put("op", op.wire()).put("version", version)
        .put("data", data).put("deleted", deleted)
        .put("mutationId", mutationId).put("actor", actor)
        .put("ts", ts.toString());
  }

  /** The WebSocket frame for this change: built once, then written to every subscribed socket. */
  public String toFrame() {
    return new JsonObject().put("type", "change").mergeIn(toJson()).encode();
  }
}
