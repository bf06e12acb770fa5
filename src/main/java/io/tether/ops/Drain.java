package io.tether.ops;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's graceful drain: first not-ready (load balancers stop sending new clients), then every API
 * verticle stops accepting connections and closes its sockets with 1012 spread over a window (so a
 * cluster's clients do not reconnect all in the same second) while in-flight requests finish.
 */
public final class Drain {
  private static final Logger LOG = LoggerFactory.getLogger(Drain.class);

  /** A part of the node that can drain itself within a window; called from any thread. */
  public interface Drainable {
    Future<Void> drain(long windowMillis);
  }

  private final List<Drainable> parts = new CopyOnWriteArrayList<>();
  private volatile boolean draining;
  private Future<Void> started;

  public boolean draining() {
    return draining;
  }

  public void register(Drainable part) {
    parts.add(part);
  }

  public void unregister(Drainable part) {
    parts.remove(part);
  }

  /** Starts the drain (once); completes when every part has drained. */
  public synchronized Future<Void> start(Vertx vertx, long notReadyMillis, long windowMillis) {
    if (started != null) {
      return started;
    }
    draining = true;
    LOG.info("Draining: not ready now, closing sockets over {} ms after {} ms", windowMillis, notReadyMillis);
    Promise<Void> notReady = Promise.promise();
    if (notReadyMillis > 0) {
      vertx.setTimer(notReadyMillis, id -> notReady.complete());
    } else {
      notReady.complete();
    }
    started = notReady.future()
        .compose(v -> Future.join(parts.stream().map(p -> p.drain(windowMillis)).toList()))
        .<Void>mapEmpty()
        .onComplete(ar -> LOG.info("Drained"));
    return started;
  }
}
