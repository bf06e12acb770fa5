package io.tether;

import io.tether.store.EmbeddedDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** A started node, and how to stop it in order: verticles, bus, pool, then the embedded database. */
public record RunningNode(Vertx vertx, Node node, String deploymentId, EmbeddedDatabase embedded) {

  public Future<Void> stop() {
    // Undeploying the API verticles first closes their servers; the retention worker stops with Vert.x.
    return vertx.undeploy(deploymentId)
        .eventually(() -> node.bus().close())
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
