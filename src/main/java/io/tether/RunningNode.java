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
    TetherConfig.Drain drain = node.config().drain();
    Promise<Void> done = Promise.promise();
    long bound = vertx.setTimer(drain.timeoutSeconds() * 1000L, id -> done.tryComplete());
    node.ops().drain().start(vertx, drain.notReadySeconds() * 1000L, drain.socketCloseWindowSeconds() * 1000L)
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
