package io.tether.suites.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.support.ApiClient;
import io.tether.support.ApiClient.Account;
import io.tether.support.ApiClient.Response;
import io.tether.support.Await;
import io.tether.support.FakeDns;
import io.tether.support.TestCluster;
import io.tether.support.WebhookReceiver;
import io.vertx.core.json.JsonObject;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, items 8–10: what a webhook owner controls (the DNS of its host, how its endpoint
 * answers) cannot turn the node's outbound calls against its own network or hold a job slot.
 */
class OutboundIT {
  private static final String ADMIN = "hostile-outbound-admin-token";

  private static JsonObject jobs() {
    return new JsonObject().put("pollMillis", 50).put("backoffBaseMillis", 50).put("backoffMaxMillis", 100)
        .put("maxAttempts", 1);
  }

  private static JsonObject deadJob(ApiClient api, String space) {
    Response jobs = api.send("GET", "/admin/jobs", ADMIN, null);
    return jobs.json().getJsonArray("deadJobs").stream().map(j -> (JsonObject) j)
        .filter(j -> space.equals(j.getJsonObject("payload").getString("space"))).findFirst().orElse(null);
  }

  /** Item 8: the name is resolved again at every attempt, and a private answer is refused, not called. */
  @Test
  void aHostThatRebindsToLoopbackAfterRegistrationIsNeverCalled() throws Exception {
    try (FakeDns dns = new FakeDns();
         TestCluster cluster = TestCluster.single(new JsonObject()
             .put("server", new JsonObject().put("adminToken", ADMIN))
             .put("webhooks", new JsonObject().put("dnsServer", dns.address()).put("timeoutMillis", 2000))
             .put("jobs", jobs()));
         WebhookReceiver inside = new WebhookReceiver(cluster.vertx())) {
      ApiClient api = cluster.api();
      Account owner = api.register();
      String space = "rebind-" + UUID.randomUUID().toString().substring(0, 8);
      api.createSpace(owner, space);
      int port = Integer.parseInt(inside.url().replaceAll(".*:(\\d+)/.*", "$1"));
      String url = "http://hook.rebind.test:" + port + "/hook";

      dns.answer("hook.rebind.test", "10.1.2.3");
      Response refused = api.send("PUT", "/v1/spaces/" + space + "/webhooks/w", owner.token(),
          new JsonObject().put("url", url).encode());
      assertThat(refused.status()).isEqualTo(400);
      assertThat(refused.body()).contains("private network");

      dns.answer("hook.rebind.test", "93.184.216.34");
      assertThat(api.send("PUT", "/v1/spaces/" + space + "/webhooks/w", owner.token(),
          new JsonObject().put("url", url).encode()).status()).as("a public answer at registration").isEqualTo(200);

      dns.answer("hook.rebind.test", "127.0.0.1");
      api.put(owner, space, "items", "a", new JsonObject().put("x", 1));
      Await.until("the delivery is refused", 20, () -> deadJob(api, space) != null);
      assertThat(deadJob(api, space).getString("lastError")).contains("private network").contains("loopback");
      assertThat(inside.received()).as("nothing reached the loopback listener").isEmpty();
    }
  }

  /** Item 10: an endpoint trickling a byte a second cannot stretch an attempt past webhooks.timeoutMillis. */
  @Test
  void anEndpointThatTricklesItsAnswerLosesTheAttemptAtTheDeadline() throws Exception {
    try (ServerSocket slow = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
         TestCluster cluster = TestCluster.single(new JsonObject()
             .put("server", new JsonObject().put("adminToken", ADMIN))
             .put("webhooks", new JsonObject().put("allowPrivateTargets", true).put("timeoutMillis", 1500))
             .put("jobs", jobs()))) {
      Thread trickler = new Thread(() -> trickle(slow), "trickler");
      trickler.setDaemon(true);
      trickler.start();
      ApiClient api = cluster.api();
      Account owner = api.register();
      String space = "slow-" + UUID.randomUUID().toString().substring(0, 8);
      api.createSpace(owner, space);
      assertThat(api.send("PUT", "/v1/spaces/" + space + "/webhooks/w", owner.token(),
          new JsonObject().put("url", "http://127.0.0.1:" + slow.getLocalPort() + "/hook").encode()).status()).isEqualTo(200);
      long start = System.nanoTime();
      api.put(owner, space, "items", "a", new JsonObject());
      // The endpoint would take 30 s to finish its headers, each byte well inside the idle timeout.
      Await.until("the attempt ends", 15, () -> deadJob(api, space) != null);
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf("hostile: trickling endpoint, attempt ended after %.1f s (deadline 1.5 s)%n", seconds);
      assertThat(deadJob(api, space).getString("lastError")).contains("no complete answer within 1500 ms");
      assertThat(seconds).isLessThan(10);
    }
  }

  private static void trickle(ServerSocket server) {
    while (!server.isClosed()) {
      try (Socket socket = server.accept(); OutputStream out = socket.getOutputStream()) {
        for (byte b : "HTTP/1.1 200 OK\r\nX-Slow: 1\r\n".repeat(3).getBytes(StandardCharsets.US_ASCII)) {
          out.write(b);
          out.flush();
          Thread.sleep(300);
        }
      } catch (Exception e) {
        // the node hung up: what the test wants
      }
    }
  }
}
