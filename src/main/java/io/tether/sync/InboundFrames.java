package io.tether.sync;

import io.vertx.core.Future;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A socket's frames waiting for their admission (the per-user rate limit), handled one at a time in
 * the order they came, whatever order the limiter answers in. Bounded: a client that sends faster than
 * it is admitted fills it and is refused. Confined to the socket's event loop.
 */
final class InboundFrames {
  static final int MAX_WAITING = 64;

  private final Deque<String> waiting = new ArrayDeque<>();
  private final Supplier<Future<Void>> admission;
  private final Consumer<String> handler;
  private final Runnable onRefused;
  private boolean checking;
  private boolean closed;

  /**
   * {@code admission} is asked once per frame, when its turn comes: null admits it at once, a failed
   * future refuses it, and {@code onRefused} ends the socket.
   */
  InboundFrames(Supplier<Future<Void>> admission, Consumer<String> handler, Runnable onRefused) {
    this.admission = admission;
    this.handler = handler;
    this.onRefused = onRefused;
  }

  /** Queues a frame; false if {@link #MAX_WAITING} are already waiting. */
  boolean offer(String text) {
    if (waiting.size() >= MAX_WAITING) {
      return false;
    }
    waiting.add(text);
    drain();
    return true;
  }

  /** Drops what waits; nothing more is handled. */
  void close() {
    closed = true;
    waiting.clear();
  }

  private void drain() {
    while (!checking && !closed && !waiting.isEmpty()) {
      String text = waiting.poll();
      Future<Void> admitted = admission.get();
      if (admitted == null) {
        handler.accept(text);
        continue;
      }
      checking = true;
      admitted.onComplete(ar -> {
        checking = false;
        if (closed) {
          return;
        }
        if (ar.succeeded()) {
          handler.accept(text);
          drain();
        } else {
          onRefused.run();
        }
      });
    }
  }
}
