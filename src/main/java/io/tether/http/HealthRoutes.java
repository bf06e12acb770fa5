package io.tether.http;

import io.tether.bus.ChangeBus;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;

/** Liveness (the process answers) and readiness (PostgreSQL and the bus answer). */
final class HealthRoutes {
  private final Pool pool;
  private final ChangeBus bus;

  HealthRoutes(Pool pool, ChangeBus bus) {
    this.pool = pool;
    this.bus = bus;
  }

  void mount(Router router) {
    router.get("/health/live").handler(rc -> Requests.json(rc, 200, new JsonObject().put("status", "UP")));
    router.get("/health/ready").handler(this::ready);
  }

  private void ready(RoutingContext rc) {
    Future<Void> db = pool.query("SELECT 1").execute().mapEmpty();
    Future<Void> busUp = bus.ping();
    Future.join(db, busUp).onComplete(ar -> {
      boolean up = db.succeeded() && busUp.succeeded();
      JsonObject body = new JsonObject()
          .put("status", up ? "UP" : "DOWN")
          .put("checks", new JsonObject()
              .put("postgres", check(db))
              .put("bus", check(busUp)));
      Requests.json(rc, up ? 200 : 503, body);
    });
  }

  private static JsonObject check(Future<Void> probe) {
    return probe.succeeded()
        ? new JsonObject().put("status", "UP")
        : new JsonObject().put("status", "DOWN").put("reason", String.valueOf(probe.cause().getMessage()));
  }
}
