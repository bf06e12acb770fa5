package io.tether.sync;

import io.tether.core.Change;
import io.tether.core.ChangeFrame;
import io.tether.rules.Reading;
import io.tether.service.ReadService;
import io.tether.store.DocumentStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;

/**
 * What a rules change means to one subscriber, told at the change's seq: every document as it was
 * just before it that the subscriber saw and no longer sees arrives as a {@code leave}, every one it
 * did not see and now does as a {@code put} with its data. Every one of those frames carries the
 * change's seq and {@code "rules": true}; the client's cursor moves to that seq only with the
 * {@code cursor} frame that follows them (a client cut off halfway resumes from before the change,
 * and is told to resync). The documents are read a page at a time, and a page waits for the socket
 * to drain. Confined to the socket's event loop.
 */
final class RulesTransition {
  static final int PAGE = 200;

  private final ReadService reads;
  private final Transport transport;
  private final ChangeFrame change;
  private final Reading before;
  private final Reading after;
  private final java.util.function.BooleanSupplier open;
  private final Promise<Void> done = Promise.promise();

  RulesTransition(ReadService reads, Transport transport, ChangeFrame change, Reading before, Reading after,
                  java.util.function.BooleanSupplier open) {
    this.reads = reads;
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
    reads.statesBefore(change.space(), change.seq(), start, PAGE).onComplete(ar -> {
      if (!open.getAsBoolean()) {
        done.tryComplete();
        return;
      }
      if (ar.failed()) {
        done.tryFail(ar.cause());
        return;
      }
      for (DocumentStore.State state : ar.result().states()) {
        tell(state);
      }
      if (!ar.result().hasMore()) {
        done.tryComplete();
      } else if (transport.writeQueueFull()) {
        transport.whenDrained(() -> page(ar.result().last()));
      } else {
        page(ar.result().last());
      }
    });
  }

  private void tell(DocumentStore.State state) {
    JsonObject data = state.dataJson() == null ? null : new JsonObject(state.dataJson());
    boolean saw = before.sees(state.collection(), state.id(), data);
    boolean sees = after.sees(state.collection(), state.id(), data);
    if (saw && !sees) {
      transport.send(new JsonObject().put("type", FrameType.CHANGE.wire()).mergeIn(Change.leave(change.space(),
          change.seq(), state.collection(), state.id(), state.version(), false, change.actor(), change.ts()))
          .put("rules", true).encode());
    } else if (sees && !saw) {
      transport.send(new JsonObject(Change.frame(change.space(), change.seq(), state.collection(), state.id(),
          Change.Op.PUT.wire(), state.version(), state.dataJson(), false, null, change.actor(), change.ts()))
          .put("rules", true).encode());
    }
  }
}
