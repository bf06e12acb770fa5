package io.tether.suites.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.support.ApiClient;
import io.tether.support.ApiClient.Account;
import io.tether.support.Ports;
import io.tether.support.TestCluster;
import io.tether.support.WsClient;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The shipped nginx configuration ({@code conf/deploy/nginx.conf}), run for real by Debian's nginx in
 * front of two nodes: its upstream lines point at the test's nodes, nothing else changes.
 */
class NginxIT {

  @Test
  void aClientSubscribedThroughNginxReceivesAWriteMadeThroughNginx() throws Exception {
    Path nginx = Path.of("/usr/sbin/nginx");
    assertThat(nginx).as("nginx is installed by .ci/run (apt-get install nginx-light)").exists();
    Path prefix = Files.createTempDirectory("tether-nginx-");
    Files.createDirectories(prefix.resolve("logs"));
    int port = Ports.free();
    try (TestCluster cluster = TestCluster.nodes(2, new JsonObject())) {
      String config = Files.readString(Path.of("conf/deploy/nginx.conf"))
          .replaceAll("(?m)^\\s*server tether[0-9]+:8080.*\\n", "")
          .replace("keepalive 64;", "server 127.0.0.1:" + cluster.node(0).port() + ";\n    server 127.0.0.1:"
              + cluster.node(1).port() + ";\n    keepalive 64;")
          .replace("listen 8080;", "listen 127.0.0.1:" + port + ";")
          .replace("/var/log/nginx/access.log", prefix.resolve("logs/access.log").toString())
          .replace("worker_processes auto;", "worker_processes 1;\npid " + prefix.resolve("nginx.pid") + ";\n"
              + "error_log " + prefix.resolve("logs/error.log") + ";");
      Files.writeString(prefix.resolve("nginx.conf"), config);
      Process process = new ProcessBuilder(nginx.toString(), "-p", prefix.toString(), "-c", prefix.resolve("nginx.conf").toString(),
          "-g", "daemon off;").redirectErrorStream(true).redirectOutput(prefix.resolve("logs/stdout.log").toFile()).start();
      try {
        ApiClient viaNginx = new ApiClient(port);
        awaitListening(viaNginx, process, prefix);
        Account owner = viaNginx.register();
        String space = "lb-" + System.nanoTime();
        assertThat(viaNginx.createSpace(owner, space).status()).isEqualTo(201);
        try (WsClient ws = WsClient.connect(cluster.vertx(), port, owner.token())) {
          ws.send(new JsonObject().put("type", "subscribe").put("space", space).put("since", 0));
          assertThat(ws.awaitType("synced").getLong("cursor")).isZero();
          for (int i = 0; i < 4; i++) { // least_conn spreads these writes over both nodes
            assertThat(viaNginx.put(owner, space, "items", "i" + i, new JsonObject().put("i", i)).status()).isEqualTo(201);
          }
          for (int seq = 1; seq <= 4; seq++) {
            assertThat(ws.awaitType("change").getLong("seq")).isEqualTo(seq);
          }
        }
        ApiClient.Response traced = viaNginx.send("GET", "/health/live", null, null, "X-Request-Id", "trace-me-123");
        assertThat(traced.header("X-Request-Id")).as("nginx passes the request id through").isEqualTo("trace-me-123");
        // Issue 16, item 16: a token in the query string stays out of nginx's access log.
        viaNginx.send("GET", "/v1/sync?access_token=secret-token-in-query", null, null);
        String accessLog = Files.readString(prefix.resolve("logs/access.log"));
        assertThat(accessLog).contains("GET /v1/sync HTTP/1.1").doesNotContain("secret-token-in-query")
            .contains("trace-me-123");
      } finally {
        process.destroy();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  private static void awaitListening(ApiClient api, Process process, Path prefix) throws Exception {
    long deadline = System.currentTimeMillis() + 10_000;
    while (System.currentTimeMillis() < deadline) {
      assertThat(process.isAlive()).as("nginx exited: " + Files.readString(prefix.resolve("logs/stdout.log"))).isTrue();
      try {
        if (api.send("GET", "/health/live", null, null).status() == 200) {
          return;
        }
      } catch (AssertionError notYet) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new AssertionError("nginx did not start");
  }
}
