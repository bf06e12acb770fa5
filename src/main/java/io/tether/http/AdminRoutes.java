package io.tether.http;

import io.tether.auth.BearerToken;
import java.util.List;
import io.tether.jobs.JobQueue;
import io.tether.ops.Drain;
import io.tether.ops.InstanceStats;
import io.vertx.core.Vertx;
import io.tether.core.ErrorCode;
import io.tether.core.TetherException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;

/** {@code GET /admin/stats}: live counters per API verticle instance, for the admin credential only. */
final class AdminRoutes {
  private final Vertx vertx;
  /** Null when no admin token is configured: the routes then answer 404, as if absent. */
  private final String adminToken;
  private final JobQueue jobs;
  private final InstanceStats stats;
  private final Drain drain;
  private final io.tether.auth.ServiceKeys services;

  AdminRoutes(Vertx vertx, String adminToken, JobQueue jobs, InstanceStats stats, Drain drain,
              io.tether.auth.ServiceKeys services) {
    this.services = services;
    this.vertx = vertx;
    this.adminToken = adminToken;
    this.jobs = jobs;
    this.stats = stats;
    this.drain = drain;
  }

  void mount(Router router) {
    router.route("/admin/*").handler(this::authorize);
    router.get("/admin/stats").handler(this::stats);
    router.get("/admin/jobs").handler(rc -> jobs.overview(50)
        .onSuccess(body -> Requests.json(rc, 200, body)).onFailure(rc::fail));
    router.post("/admin/jobs/:id/retry").handler(this::retryJob);
    // Service keys: an app's backend calling Tether (the key is shown once, in the 201).
    router.post("/admin/service-keys").handler(rc -> services.create(Requests.body(rc, new io.tether.core.JsonLimits(8)))
            .onSuccess(key -> Requests.json(rc, 201, key)).onFailure(rc::fail));
    router.get("/admin/service-keys").handler(rc -> services.list()
        .onSuccess(keys -> Requests.json(rc, 200, keys)).onFailure(rc::fail));
    router.delete("/admin/service-keys/:name").handler(rc -> services.revoke(rc.pathParam("name"))
        .onSuccess(done -> rc.response().setStatusCode(204).end()).onFailure(rc::fail));
  }

  private void authorize(RoutingContext rc) {
    List<String> headers = rc.request().headers().getAll("Authorization");
    String offered = headers.size() == 1 ? BearerToken.parse(headers.get(0)) : null;
    if (io.tether.auth.ServiceKeys.isKey(offered)) {
      readOnly(rc, offered);
      return;
    }
    if (adminToken == null) {
      rc.fail(TetherException.notFound("no such resource"));
      return;
    }
    requireToken(rc, adminToken, "the admin token is required");
  }

  /**
   * A service key with {@code admin:read} reads the operations view (stats, jobs); managing keys and
   * retrying jobs stay the admin token's.
   */
  private void readOnly(RoutingContext rc, String key) {
    boolean reading = rc.request().method() == io.vertx.core.http.HttpMethod.GET
        && !rc.request().path().startsWith("/admin/service-keys");
    services.verify(key).onSuccess(grant -> {
      if (!grant.scopes().contains(io.tether.core.ServiceGrant.ADMIN_READ)) {
        rc.fail(new TetherException(ErrorCode.INSUFFICIENT_SCOPE, "this service key lacks the scope admin:read",
            new JsonObject().put("scope", io.tether.core.ServiceGrant.ADMIN_READ)));
      } else if (!reading) {
        rc.fail(TetherException.forbidden("admin:read reads /admin/stats and /admin/jobs; the rest takes the admin token"));
      } else {
        rc.next();
      }
    }).onFailure(rc::fail);
  }

  /** Goes on when the request carries {@code Bearer <token>} (compared in constant time), 401 otherwise. */
  static void requireToken(RoutingContext rc, String token, String refusal) {
    List<String> headers = rc.request().headers().getAll("Authorization");
    String offered = headers.size() == 1 && BearerToken.parse(headers.get(0)) != null ? BearerToken.parse(headers.get(0)) : "";
    if (!MessageDigest.isEqual(offered.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8))) {
      rc.fail(new TetherException(ErrorCode.UNAUTHORIZED, refusal));
      return;
    }
    rc.next();
  }

  /** A dead job gets a fresh set of attempts. */
  private void retryJob(RoutingContext rc) {
    long id;
    try {
      id = Long.parseLong(rc.pathParam("id"));
    } catch (NumberFormatException e) {
      rc.fail(TetherException.badRequest("job ids are numbers"));
      return;
    }
    jobs.revive(id)
        .onSuccess(revived -> {
          if (revived) {
            Requests.json(rc, 200, new JsonObject().put("id", id).put("state", "pending"));
          } else {
            rc.fail(TetherException.notFound("no dead job " + id));
          }
        })
        .onFailure(rc::fail);
  }

  private void stats(RoutingContext rc) {
    boolean gc = "true".equals(rc.request().getParam("gc"));
    // A full GC blocks its thread: on a worker, never on the event loop.
    vertx.executeBlocking(() -> memory(gc), false)
        .compose(memory -> stats.collect().map(instances -> new JsonObject()
            .put("draining", drain.draining())
            .put("memory", memory)
            .put("instances", instances)))
        .onSuccess(body -> Requests.json(rc, 200, body))
        .onFailure(rc::fail);
  }

  /** Heap in use (after a full GC when asked: what the live objects cost) and the process's resident memory. */
  private static JsonObject memory(boolean gc) {
    if (gc) {
      System.gc();
    }
    long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    long rss = 0;
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          rss = Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      rss = -1; // not Linux: unknown
    }
    return new JsonObject().put("heapAfterGcBytes", gc ? heap : null).put("heapUsedBytes", heap).put("rssBytes", rss);
  }
}
