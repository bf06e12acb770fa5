package io.tether.sync;

import io.tether.core.ChangeFrame;
import io.tether.core.DocumentFilter;
import io.tether.rules.Reading;
import io.vertx.core.Vertx;

/**
 * What one subscription may see (its reading: rules, viewer, filter; it changes where the rules
 * change) and its skipped-change bookkeeping: a change that does not concern
 * the subscriber still moves its cursor, and the client hears of it in a {@code cursor} frame at
 * most once a second (and before the server closes the socket), so a reconnect resumes near the
 * head instead of re-reading what it skipped. Confined to the socket's event loop.
 */
final class Filtered {
  static final long CURSOR_INTERVAL_MILLIS = 1000;

  private Reading reading;
  private final Vertx vertx;
  private long told = -1; // the highest seq the client has from a change, leave or cursor frame
  private long skippedTo = -1;
  private long lastCursorMillis;
  private long timer = -1;

  private final Verdicts verdicts;

  Filtered(Reading reading, Vertx vertx, Verdicts verdicts) {
    this.reading = reading;
    this.vertx = vertx;
    this.verdicts = verdicts;
  }

  DocumentFilter.Verdict judge(ChangeFrame change) {
    return verdicts.judge(change, reading);
  }

  Reading reading() {
    return reading;
  }

  /** Whether the subscriber sees less than the whole space (else every change goes out as it is). */
  boolean narrowed() {
    return reading.narrowed();
  }

  /** The rules changed at a seq the subscription has reached. */
  void reading(Reading next) {
    reading = next;
  }

  /** The client got a frame for {@code seq}. */
  void told(long seq) {
    told = seq;
  }

  /**
   * {@code seq} was skipped; {@code send} writes a cursor frame for a seq, now or within a second.
   * {@code stillOpen} is asked before a later send.
   */
  void skipped(long seq, java.util.function.LongConsumer send, java.util.function.BooleanSupplier stillOpen) {
    skippedTo = seq;
    long now = System.currentTimeMillis();
    if (now - lastCursorMillis >= CURSOR_INTERVAL_MILLIS) {
      tell(send, now);
    } else if (timer < 0) {
      timer = vertx.setTimer(CURSOR_INTERVAL_MILLIS - (now - lastCursorMillis), id -> {
        timer = -1;
        if (stillOpen.getAsBoolean()) {
          tell(send, System.currentTimeMillis());
        }
      });
    }
  }

  /** Sends the cursor now if skipped changes are still untold (the socket is about to close). */
  void flush(java.util.function.LongConsumer send) {
    if (skippedTo > told) {
      tell(send, System.currentTimeMillis());
    }
  }

  void cancel() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  private void tell(java.util.function.LongConsumer send, long now) {
    if (skippedTo > told) {
      told = skippedTo;
      lastCursorMillis = now;
      send.accept(skippedTo);
    }
  }
}
