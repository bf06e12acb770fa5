package io.tether.suites.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.support.ApiClient;
import io.tether.support.ApiClient.Response;
import io.tether.support.TestCluster;
import io.tether.support.WsClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Issue 16, item 16: the smaller holes, each closed. */
class SmallHolesIT {
  private static final String ADMIN = "small-holes-admin-token";
  private static final String METRICS = "small-holes-metrics-token";
  private static TestCluster cluster;
  private static ApiClient api;

  @BeforeAll
  static void start() {
    cluster = TestCluster.single(new JsonObject()
        .put("server", new JsonObject().put("adminToken", ADMIN).put("metricsToken", METRICS))
        .put("limits", new JsonObject().put("ipRequestsPerSecond", 1).put("ipBurst", 30)));
    api = cluster.api();
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @Test
  void metricsTakeTheirTokenWhenOneIsSet() {
    assertThat(api.send("GET", "/metrics", null, null).status()).isEqualTo(401);
    assertThat(api.send("GET", "/metrics", "wrong-metrics-token-xyz", null).status()).isEqualTo(401);
    Response scraped = api.send("GET", "/metrics", METRICS, null);
    assertThat(scraped.status()).isEqualTo(200);
    assertThat(scraped.body()).contains("tether_");
  }

  /** The limit on /admin and /metrics must not leave the connection paused for the next request. */
  @Test
  void aKeptAliveConnectionServesTheRequestAfterAnAdminCall() throws Exception {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", cluster.node().port())) {
      socket.setSoTimeout(10_000);
      java.io.OutputStream out = socket.getOutputStream();
      java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
          java.nio.charset.StandardCharsets.US_ASCII));
      for (String path : new String[] {"/admin/stats", "/metrics", "/health/live"}) {
        out.write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
            + (path.equals("/metrics") ? METRICS : ADMIN) + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        out.flush();
        assertThat(in.readLine()).as(path + " on the same connection").startsWith("HTTP/1.1 200");
        int length = 0;
        boolean chunked = false;
        for (String line = in.readLine(); !line.isEmpty(); line = in.readLine()) {
          String header = line.toLowerCase(java.util.Locale.ROOT);
          if (header.startsWith("content-length:")) {
            length = Integer.parseInt(line.substring(15).trim());
          }
          chunked |= header.startsWith("transfer-encoding:") && header.contains("chunked");
        }
        if (chunked) {
          for (int size = Integer.parseInt(in.readLine().trim(), 16); size > 0; size = Integer.parseInt(in.readLine().trim(), 16)) {
            assertThat(in.skip(size)).isEqualTo(size);
            in.readLine();
          }
          in.readLine();
        } else {
          assertThat(in.skip(length)).isEqualTo(length);
        }
      }
    }
  }

  @Test
  void adminTokensCannotBeGuessedAtLineRate() {
    int refused = 0;
    for (int i = 0; i < 60 && refused == 0; i++) {
      Response guess = api.send("GET", "/admin/stats", "guess-" + i + "-xxxxxxxxxxxx", null);
      assertThat(guess.status()).isIn(401, 429);
      if (guess.status() == 429) {
        refused++;
      }
    }
    assertThat(refused).as("the per-address limit applies to /admin").isPositive();
  }

  @Test
  void aSocketMaySendOnlySmallFramesBeforeItIsAuthenticated() {
    // Its own node: the admin test above spends this address's request budget on purpose.
    try (TestCluster fresh = TestCluster.single(new JsonObject());
         WsClient anonymous = WsClient.connect(fresh.vertx(), fresh.node().port(), null)) {
      anonymous.send(new JsonObject().put("type", "auth").put("token", "t".repeat(20_000)));
      assertThat(anonymous.closeCode(10)).isEqualTo((short) 1009);
    }
  }
}
