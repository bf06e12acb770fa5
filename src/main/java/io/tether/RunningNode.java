package io.tether;

import io.tether.store.EmbeddedDatabase;
import io.tether.config.TetherConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/** A started node, and how to stop it in order: verticles, bus, pool, then the embedded database. */
public record RunningNode(Vertx vertx, Node node, String deploymentId, EmbeddedDatabase embedded) {

  /** Drains (see {@link io.tether.ops.Drain}), then stops; bounded by {@code drain.timeoutSeconds}. */
  public Future<Void> drainAndStop() {
    TetherConfig.Server server = node.config().server();
    Promise<Void> done = Promise.promise();
    long bound = vertx.setTimer(server.drainTimeoutSeconds() * 1000L, id -> done.tryComplete());
    node.drain().start(vertx, server.notReadySeconds() * 1000L, server.socketCloseWindowSeconds() * 1000L)
        .eventually(this::stop)
        .onComplete(ar -> {
          vertx.cancelTimer(bound);
          done.tryComplete();
        });
    return done.future();
  }

  public Future<Void> stop() {
    // Undeploying the API verticles first closes their servers; the retention worker stops with Vert.x.
    return vertx.undeploy(deploymentId)
        .eventually(() -> {
          node.presence().store().close();
          node.push().close();
          return node.bus().close();
        })
        .eventually(() -> node.limits().close())
        .eventually(() -> node.pool().close())
        .andThen(ar -> {
          if (embedded != null) {
            embedded.close();
          }
        })
        .mapEmpty();
  }
}
