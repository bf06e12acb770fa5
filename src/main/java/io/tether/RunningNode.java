package io.tether;

import io.tether.config.TetherConfig;
import io.tether.ops.Closer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/**
 * A started node. Stopping closes what it built in the reverse order (see {@link Closer}): the API
 * verticles and workers, HTTP clients, renewals, the bus, Redis, the pool, the embedded database.
 */
public record RunningNode(Vertx vertx, Node node, Closer closer) {

  /** Drains (see {@link io.tether.ops.Drain}), then stops; bounded by {@code drain.timeoutSeconds}. */
  public Future<Void> drainAndStop() {
    return drainAndStop(false);
  }

  /**
   * {@code promptly}: a developer's Ctrl-C, with no load balancer to tell: no not-ready period, and
   * sockets closed within a second instead of spread over the window.
   */
  public Future<Void> drainAndStop(boolean promptly) {
    TetherConfig.Drain drain = node.config().drain();
    Promise<Void> done = Promise.promise();
    long bound = vertx.setTimer(drain.timeoutSeconds() * 1000L, id -> done.tryComplete());
    long notReady = promptly ? 0 : drain.notReadySeconds() * 1000L;
    long window = promptly ? Math.min(1000L, drain.socketCloseWindowSeconds() * 1000L) : drain.socketCloseWindowSeconds() * 1000L;
    node.ops().drain().start(vertx, notReady, window)
        .eventually(this::stop)
        .onComplete(ar -> {
          vertx.cancelTimer(bound);
          done.tryComplete();
        });
    return done.future();
  }

  public Future<Void> stop() {
    return closer.close();
  }
}
