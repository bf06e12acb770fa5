package io.tether.http;

import io.tether.bus.ChangeBus;
import io.tether.ops.Drain;
import io.vertx.sqlclient.Pool;
import io.tether.store.Migrator;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;

/**
 * {@code /health/live}: the process answers. {@code /health/ready}: PostgreSQL answers, this build's
 * migrations are applied, Redis answers (when configured), and the node is not draining. 503 with the
 * failing check named otherwise.
 */
final class HealthRoutes {
  private static final long CHECK_TIMEOUT_MILLIS = 2000;

  private final Vertx vertx;
  private final Pool pool;
  private final Drain drain;
  /** Null when the node runs alone on its local bus, which has nothing to probe. */
  private final ChangeBus redisBus;

  HealthRoutes(Vertx vertx, Pool pool, Drain drain, ChangeBus redisBus) {
    this.vertx = vertx;
    this.pool = pool;
    this.drain = drain;
    this.redisBus = redisBus;
  }

  void mount(Router router) {
    HealthChecks live = HealthChecks.create(vertx).register("process", p -> p.complete(Status.OK()));
    router.get("/health/live").handler(HealthCheckHandler.createWithHealthChecks(live));

    HealthChecks ready = HealthChecks.create(vertx)
        .register("postgres", CHECK_TIMEOUT_MILLIS, p -> report(p, pool.query("SELECT 1").execute().mapEmpty()))
        .register("migrations", CHECK_TIMEOUT_MILLIS, this::migrations)
        .register("draining", p -> p.complete(drain.draining()
            ? Status.KO(new JsonObject().put("reason", "the node is draining"))
            : Status.OK()));
    if (redisBus != null) {
      ready.register("redis", CHECK_TIMEOUT_MILLIS, p -> report(p, redisBus.ping()));
    }
    router.get("/health/ready").handler(HealthCheckHandler.createWithHealthChecks(ready));
  }

  private void migrations(Promise<Status> promise) {
    report(promise, pool.query("SELECT coalesce(max(version), 0) FROM schema_migrations").execute()
        .compose(rows -> {
          int applied = rows.iterator().next().getInteger(0);
          return applied >= Migrator.latestVersion()
              ? Future.succeededFuture()
              : Future.failedFuture("schema at version " + applied + ", this build needs " + Migrator.latestVersion());
        }));
  }

  private static void report(Promise<Status> promise, Future<?> probe) {
    probe.onComplete(ar -> promise.tryComplete(ar.succeeded()
        ? Status.OK()
        : Status.KO(new JsonObject().put("reason", String.valueOf(ar.cause().getMessage())))));
  }
}
