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
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HealthRoutes.class);
  private static final long CHECK_TIMEOUT_MILLIS = 2000;

  // Probes run every second in Kubernetes: one line per ten seconds is enough.
  private final io.tether.ops.Occasionally logged = new io.tether.ops.Occasionally(10_000);

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
        .register("postgres", CHECK_TIMEOUT_MILLIS, p -> report(p, "postgres", pool.query("SELECT 1").execute().mapEmpty()))
        .register("migrations", CHECK_TIMEOUT_MILLIS, this::migrations)
        .register("draining", p -> p.complete(drain.draining()
            ? Status.KO(new JsonObject().put("reason", "the node is draining"))
            : Status.OK()));
    if (redisBus != null) {
      ready.register("redis", CHECK_TIMEOUT_MILLIS, p -> report(p, "redis", redisBus.ping()));
    }
    router.get("/health/ready").handler(HealthCheckHandler.createWithHealthChecks(ready));
  }

  private void migrations(Promise<Status> promise) {
    report(promise, "migrations", pool.query("SELECT coalesce(max(version), 0) FROM schema_migrations").execute()
        .map(rows -> {
          int applied = rows.iterator().next().getInteger(0);
          if (applied < Migrator.latestVersion()) {
            // Versions are no secret, and say exactly what to do: answered as they are.
            promise.tryComplete(Status.KO(new JsonObject().put("reason", "schema at version " + applied
                + ", this build needs " + Migrator.latestVersion())));
          }
          return rows;
        }));
  }

  /**
   * The probe's outcome. A failure names the check only: the driver's message (host names, user
   * names, SQL) goes to the log, not to whoever can reach the port.
   */
  private void report(Promise<Status> promise, String check, Future<?> probe) {
    probe.onComplete(ar -> {
      if (ar.succeeded()) {
        promise.tryComplete(Status.OK());
        return;
      }
      if (logged.now()) {
        LOG.warn("Readiness check {} failed: {}", check, ar.cause().getMessage());
      }
      promise.tryComplete(Status.KO(new JsonObject().put("reason", check + " is not available")));
    });
  }
}
