package io.tether.sync;

import io.tether.core.ChangeFrame;
import io.tether.rules.Reading;
import io.tether.store.DocumentStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;

/**
 * What a rules change means to one subscriber, told at the change's seq: every document as it was
 * just before it that the subscriber saw and no longer sees arrives as a {@code leave}, every one it
 * did not see and now does as a {@code put} with its data. Every one of those frames carries the
 * change's seq and {@code "rules": true}; the client's cursor moves to that seq only with the
 * {@code cursor} frame that follows them (a client cut off halfway resumes from before the change,
 * and is told to resync). Pages come from the feed's {@link TransitionPages}, shared with the loop's
 * other subscribers; the next page waits for the socket to drain. Confined to the socket's event loop.
 */
final class RulesTransition {
  private final TransitionPages pages;
  private final Transport transport;
  private final ChangeFrame change;
  private final Reading before;
  private final Reading after;
  private final java.util.function.BooleanSupplier open;
  private final Promise<Void> done = Promise.promise();

  RulesTransition(TransitionPages pages, Transport transport, ChangeFrame change, Reading before, Reading after,
                  java.util.function.BooleanSupplier open) {
    this.pages = pages;
    this.transport = transport;
    this.change = change;
    this.before = before;
    this.after = after;
    this.open = open;
  }

  /** Completes once every frame of the transition is written (or the subscription closed meanwhile). */
  Future<Void> run() {
    if (!before.narrowed() && !after.narrowed()) {
      done.complete(); // everything was visible and still is
    } else {
      page(DocumentStore.PageStart.FIRST);
    }
    return done.future();
  }

  private void page(DocumentStore.PageStart start) {
    pages.page(change, start, before, after).onComplete(ar -> {
      if (!open.getAsBoolean()) {
        done.tryComplete();
        return;
      }
      if (ar.failed()) {
        done.tryFail(ar.cause());
        return;
      }
      ar.result().frames().forEach(transport::send);
      if (!ar.result().more()) {
        done.tryComplete();
      } else if (transport.writeQueueFull()) {
        transport.whenDrained(() -> page(ar.result().last()));
      } else {
        page(ar.result().last());
      }
    });
  }
}
