package io.tether.suites.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.support.ApiClient;
import io.tether.support.ApiClient.Account;
import io.tether.support.ApiClient.Response;
import io.tether.support.Await;
import io.tether.support.Ports;
import io.tether.support.TestCluster;
import io.tether.support.TestNode;
import io.tether.support.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Metrics that move, the admin endpoint, and readiness that follows PostgreSQL, Redis and draining. */
class OperationsIT {

  private static double metric(String body, String name) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(body);
    double sum = 0;
    boolean found = false;
    while (m.find()) {
      sum += Double.parseDouble(m.group(2));
      found = true;
    }
    assertThat(found).as("metric %s is exported", name).isTrue();
    return sum;
  }

  @Test
  void metricsArePresentAndMoveWithTraffic() {
    try (TestCluster cluster = TestCluster.single(new JsonObject()
        .put("server", new JsonObject().put("adminToken", "a-long-admin-token")))) {
      ApiClient api = cluster.api();
      api.send("GET", "/health/live", null, null);
      String before = api.send("GET", "/metrics", null, null).body();
      Account owner = api.register();
      String space = "m-" + System.nanoTime();
      api.createSpace(owner, space);
      try (WsClient ws = WsClient.connect(cluster.vertx(), cluster.node().port(), owner.token())) {
        ws.send(new JsonObject().put("type", "subscribe").put("space", space).put("since", 0));
        ws.awaitType("synced");
        for (int i = 0; i < 3; i++) {
          api.put(owner, space, "c", "d" + i, new JsonObject());
          ws.awaitType("change");
        }
        api.send("GET", "/v1/spaces/x", "forged", null);
        Response scrape = api.send("GET", "/metrics", null, null);
        assertThat(scrape.status()).isEqualTo(200);
        String after = scrape.body();
        assertThat(metric(after, "tether_changes_committed_total") - metric(before, "tether_changes_committed_total")).isEqualTo(3);
        assertThat(metric(after, "tether_frames_delivered_total")).isEqualTo(3);
        assertThat(metric(after, "tether_delivery_latency_seconds_count")).isEqualTo(3);
        assertThat(metric(after, "tether_sockets_open")).isEqualTo(1);
        assertThat(metric(after, "tether_subscriptions")).isEqualTo(1);
        assertThat(metric(after, "tether_spaces_subscribed")).isEqualTo(1);
        // The socket subscribed at the head its loop's feed had delivered: no catch-up from the log
        // (SubscribeAtHeadIT shows the count moving for one behind).
        assertThat(metric(after, "tether_catchup_changes_count")).isZero();
        assertThat(metric(after, "tether_auth_failures_total")).isPositive();
        assertThat(after).contains("tether_auth_failures_total{reason=\"malformed\"}");
        assertThat(metric(after, "vertx_http_server_requests_total")).isGreaterThan(metric(before, "vertx_http_server_requests_total"));
        assertThat(after).contains("vertx_pool_").contains("jvm_memory_used_bytes");

        Response stats = api.send("GET", "/admin/stats", "a-long-admin-token", null);
        assertThat(stats.status()).isEqualTo(200);
        assertThat(stats.json().getJsonArray("instances")).hasSize(2);
        int sockets = stats.json().getJsonArray("instances").stream().mapToInt(i -> ((JsonObject) i).getInteger("sockets")).sum();
        assertThat(sockets).isEqualTo(1);
        assertThat(api.send("GET", "/admin/stats", owner.token(), null).status()).isEqualTo(401);
      }
    }
  }

  @Test
  void readinessFollowsPostgresRedisAndDraining() throws Exception {
    Path pgData = Files.createTempDirectory("tether-private-pg-");
    int pgPort = Ports.free();
    int redisPort = Ports.free();
    EmbeddedPostgres postgres = startPostgres(pgData, pgPort);
    Process redis = startRedis(redisPort);
    Vertx vertx = Vertx.vertx();
    TestNode node = null;
    try {
      JsonObject config = new JsonObject()
          .put("pg", new JsonObject().put("url", "postgresql://postgres@127.0.0.1:" + pgPort + "/postgres")
              .put("connectTimeoutMillis", 1000))
          .put("redis", new JsonObject().put("url", "redis://127.0.0.1:" + redisPort).put("reconnectMaxMillis", 300));
      node = TestNode.startWith(config);
      ApiClient api = new ApiClient(node.port());
      awaitReady(api, 200, null);

      redis.destroy();
      redis.waitFor(5, TimeUnit.SECONDS);
      awaitReady(api, 503, "redis");
      redis = startRedis(redisPort);
      awaitReady(api, 200, null);

      postgres.close();
      awaitReady(api, 503, "postgres");
      assertThat(api.send("GET", "/health/live", null, null).status()).isEqualTo(200);
      postgres = startPostgres(pgData, pgPort);
      awaitReady(api, 200, null);

      node.running().node().ops().drain().start(node.vertx(), 60_000, 1000);
      awaitReady(api, 503, "draining");
    } finally {
      if (node != null) {
        node.close();
      }
      redis.destroy();
      postgres.close();
      Await.result(vertx.close());
    }
  }

  private static void awaitReady(ApiClient api, int status, String failing) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 20_000;
    Response last = null;
    while (System.currentTimeMillis() < deadline) {
      last = api.send("GET", "/health/ready", null, null);
      boolean checkMatches = failing == null || last.json().getJsonArray("checks").stream()
          .anyMatch(c -> failing.equals(((JsonObject) c).getString("id")) && "DOWN".equals(((JsonObject) c).getString("status")));
      if (last.status() == status && checkMatches) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("readiness never became " + status + " (" + failing + "): " + (last == null ? "" : last.body()));
  }

  private static EmbeddedPostgres startPostgres(Path data, int port) throws Exception {
    return EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).setPort(port).start();
  }

  private static Process startRedis(int port) throws Exception {
    Process process = new ProcessBuilder("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1", "--save", "",
        "--appendonly", "no").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    long deadline = System.currentTimeMillis() + 5000;
    while (System.currentTimeMillis() < deadline) {
      // Listening is not ready: wait for an answer to PING.
      try (java.net.Socket probe = new java.net.Socket("127.0.0.1", port)) {
        probe.setSoTimeout(500);
        probe.getOutputStream().write("PING\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        byte[] answer = new byte[7];
        if (probe.getInputStream().read(answer) > 0 && new String(answer, java.nio.charset.StandardCharsets.US_ASCII).startsWith("+PONG")) {
          return process;
        }
      } catch (java.io.IOException notYet) {
        // not yet
      }
      Thread.sleep(50);
    }
    throw new AssertionError("redis-server did not start");
  }
}
