package io.tether.core;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;

/**
 * A committed change as it travels to sockets: its space and seq (for ordering and gap detection)
 * and its WebSocket frame, serialized once and shared by every socket it is written to; the commit
 * time (the database's clock) measures delivery latency. A filtered subscription also asks what the
 * change did to the document ({@link #collection}, {@link #id}, {@link #after}, {@link #before}):
 * parsed from the frame the first time one asks, once per change and event loop, never for the
 * unfiltered sockets' sake. {@code before} never goes on the wire.
 */
public final class ChangeFrame {
  private final String space;
  private final long seq;
  private final String frame;
  private final byte[] utf8;
  private final long commitMillis;
  // Volatile: one frame from the bus is handed to every event loop, and any of them may parse it.
  private volatile Object before; // JsonObject, JSON text, or null
  private volatile JsonObject parsed;
  private final boolean rules;

  private ChangeFrame(String space, long seq, String frame, long commitMillis, Object before) {
    this.space = space;
    this.seq = seq;
    this.frame = frame;
    this.utf8 = frame.getBytes(StandardCharsets.UTF_8);
    this.commitMillis = commitMillis;
    this.before = before;
    // The frame's own collection field is the first: type, space and seq come before it and hold no quote.
    int at = frame.indexOf("\"collection\":");
    this.rules = at >= 0 && frame.startsWith("\"" + Change.RULES_COLLECTION + "\"", at + 13);
  }

  public static ChangeFrame of(Change change) {
    return new ChangeFrame(change.space(), change.seq(), change.toFrame(), change.ts().toEpochMilli(), change.before());
  }

  /** The frame's UTF-8 bytes are encoded here, once, and written as they are to every socket. */
  public static ChangeFrame of(String space, long seq, String frame, long commitMillis) {
    return new ChangeFrame(space, seq, frame, commitMillis, null);
  }

  /** The same with the document's data before the change, as JSON text (null: it did not exist). */
  public static ChangeFrame of(String space, long seq, String frame, long commitMillis, String beforeJson) {
    return new ChangeFrame(space, seq, frame, commitMillis, beforeJson);
  }

  public String space() {
    return space;
  }

  public long seq() {
    return seq;
  }

  public String frame() {
    return frame;
  }

  public byte[] utf8() {
    return utf8;
  }

  public long commitMillis() {
    return commitMillis;
  }

  /**
   * Whether this is a rules change: its {@code data} is the new rules, {@code before} the old ones,
   * and each subscriber turns it into what the change of rules means to it.
   */
  public boolean isRules() {
    return rules;
  }

  public String collection() {
    return parsed().getString("collection");
  }

  public String id() {
    return parsed().getString("id");
  }

  /** Who made the change. */
  public String actor() {
    return parsed().getString("actor");
  }

  /** The commit time as the frame carries it. */
  public String ts() {
    return parsed().getString("ts");
  }

  /** The document's data after the change; null after a delete. */
  public JsonObject after() {
    JsonObject json = parsed();
    return json.getBoolean("deleted", false) ? null : json.getJsonObject("data");
  }

  /** The document's data before the change; null if it did not exist or was deleted. */
  public JsonObject before() {
    if (before instanceof String text) {
      before = new JsonObject(text);
    }
    return (JsonObject) before;
  }

  /** What {@link #before} travels as on the bus: JSON text, or null. */
  public String beforeJson() {
    return before instanceof JsonObject json ? json.encode() : (String) before;
  }

  private JsonObject parsed() {
    if (parsed == null) {
      parsed = new JsonObject(frame);
    }
    return parsed;
  }

  @Override
  public String toString() {
    return space + "#" + seq;
  }
}
