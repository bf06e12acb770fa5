package io.tether.core;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.Instant;

/**
 * One committed write of a space. {@code seq} is its gap-free position in the space's history;
 * {@code data} is the whole document after the change, null after a delete; {@code before} the
 * document's data before it (null if it did not exist or was deleted). {@code before} is for
 * filtered subscriptions on the server and never goes on the wire.
 */
public record Change(String space, long seq, String collection, String id, Op op, long version,
                     JsonObject data, boolean deleted, String mutationId, String actor, Instant ts,
                     JsonObject before) {

  public Change(String space, long seq, String collection, String id, Op op, long version,
                JsonObject data, boolean deleted, String mutationId, String actor, Instant ts) {
    this(space, seq, collection, id, op, version, data, deleted, mutationId, actor, ts, null);
  }

  /** The kind of write. */
  public enum Op {
    /** {@code RULES}: the space's rules changed (collection {@link #RULES_COLLECTION}); never sent as it is. */
    PUT, PATCH, DELETE, RULES;

    public String wire() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Op fromWire(String wire) {
      return valueOf(wire.toUpperCase(java.util.Locale.ROOT));
    }
  }

  /** The pseudo-collection of rules changes ({@code $} is no collection name character). */
  public static final String RULES_COLLECTION = "$rules";

  /** Commit times on the wire: UTC, always six fractional digits (what PostgreSQL stores). */
  public static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
      .withZone(ZoneOffset.UTC);

  public JsonObject toJson() {
    return new JsonObject()
        .put("space", space).put("seq", seq)
        .put("collection", collection).put("id", id)
        .put("op", op.wire()).put("version", version)
        .put("data", data).put("deleted", deleted)
        .put("mutationId", mutationId).put("actor", actor)
        .put("ts", TS.format(ts));
  }

  /** The WebSocket frame for this change: built once, then written to every subscribed socket. */
  /**
   * What a filtered reader gets for a change that took the document out of its view: the change's
   * coordinates without the data. {@code type} is added by the socket protocol, not by REST.
   */
  public static JsonObject leave(String space, long seq, String collection, String id, long version, boolean deleted,
                                 String actor, String ts) {
    return new JsonObject().put("space", space).put("seq", seq).put("collection", collection).put("id", id)
        .put("op", "leave").put("version", version).put("deleted", deleted).put("actor", actor).put("ts", ts);
  }

  public String toFrame() {
    return frame(space, seq, collection, id, op.wire(), version, data == null ? null : data.encode(), deleted, mutationId,
        actor, TS.format(ts));
  }

  /**
   * A change frame from its parts, {@code dataJson} already JSON text (as PostgreSQL returns it), so
   * frames read from the change log need no JSON parsing. Field order is the protocol's.
   */
  public static String frame(String space, long seq, String collection, String id, String op, long version,
                             String dataJson, boolean deleted, String mutationId, String actor, String ts) {
    StringBuilder out = new StringBuilder(160 + (dataJson == null ? 4 : dataJson.length()));
    out.append("{\"type\":\"change\",\"space\":").append(Json.encode(space))
        .append(",\"seq\":").append(seq)
        .append(",\"collection\":").append(Json.encode(collection))
        .append(",\"id\":").append(Json.encode(id))
        .append(",\"op\":\"").append(op).append('"')
        .append(",\"version\":").append(version)
        .append(",\"data\":").append(dataJson == null ? "null" : dataJson)
        .append(",\"deleted\":").append(deleted)
        .append(",\"mutationId\":").append(mutationId == null ? "null" : Json.encode(mutationId))
        .append(",\"actor\":").append(Json.encode(actor))
        .append(",\"ts\":\"").append(ts).append("\"}");
    return out.toString();
  }
}
