package io.tether.core;

import io.tether.core.Change;
import java.nio.charset.StandardCharsets;

/**
 * A committed change as it travels to sockets: its space and seq (for ordering and gap detection)
 * and its WebSocket frame, serialized once and shared by every socket it is written to; the commit
 * time (the database's clock) measures delivery latency.
 */
public record ChangeFrame(String space, long seq, String frame, byte[] utf8, long commitMillis) {
  public static ChangeFrame of(Change change) {
    return of(change.space(), change.seq(), change.toFrame(), change.ts().toEpochMilli());
  }

  /** The frame's UTF-8 bytes are encoded here, once, and written as they are to every socket. */
  public static ChangeFrame of(String space, long seq, String frame, long commitMillis) {
    return new ChangeFrame(space, seq, frame, frame.getBytes(StandardCharsets.UTF_8), commitMillis);
  }
}
