package io.tether.bus;

import io.tether.core.Change;

/**
 * A committed change as it travels to sockets: its space and seq (for ordering and gap detection)
 * and its WebSocket frame, serialized once and shared by every socket it is written to; the commit
 * time (the database's clock) measures delivery latency.
 */
public record ChangeFrame(String space, long seq, String frame, long commitMillis) {
  public static ChangeFrame of(Change change) {
    return new ChangeFrame(change.space(), change.seq(), change.toFrame(), change.ts().toEpochMilli());
  }
}
