package io.tether.http;

import io.tether.Node;
import io.tether.core.ErrorCode;
import io.tether.core.TetherException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** {@code GET /admin/stats}: live counters per API verticle instance, for the admin credential only. */
final class AdminRoutes {
  private final Node node;

  AdminRoutes(Node node) {
    this.node = node;
  }

  void mount(Router router) {
    router.get("/admin/stats").handler(this::stats);
  }

  private void stats(RoutingContext rc) {
    String token = node.config().server().adminToken();
    if (token == null) {
      rc.fail(TetherException.notFound("no such resource"));
      return;
    }
    String header = rc.request().getHeader("Authorization");
    String offered = header != null && header.startsWith("Bearer ") ? header.substring(7) : "";
    if (!MessageDigest.isEqual(offered.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8))) {
      rc.fail(new TetherException(ErrorCode.UNAUTHORIZED, "the admin token is required"));
      return;
    }
    node.stats().collect()
        .onSuccess(instances -> Requests.json(rc, 200, new JsonObject()
            .put("draining", node.drain().draining())
            .put("instances", instances)))
        .onFailure(rc::fail);
  }
}
