package io.tether.suites.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.support.ApiClient.Account;
import io.tether.support.RawFrames;
import io.tether.support.TestCluster;
import io.tether.support.WsClient;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Issue 16, item 4: replies are bounded, and a socket that sends without reading is closed. */
class RepliesIT {
  private static TestCluster cluster;

  @BeforeAll
  static void start() {
    cluster = TestCluster.single(new JsonObject()
        .put("sync", new JsonObject().put("writeQueueBytes", 16_384).put("maxWriteQueueBytes", 65_536))
        .put("limits", new JsonObject().put("userRequestsPerSecond", 1_000_000).put("userBurst", 1_000_000)));
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @Test
  void aHugeIdIsNotEchoed() {
    Account user = cluster.api().register();
    try (WsClient ws = WsClient.connect(cluster.vertx(), cluster.node().port(), user.token())) {
      ws.send(new JsonObject().put("type", "ping").put("id", "i".repeat(100_000)));
      JsonObject reply = ws.awaitType("error");
      assertThat(reply.getValue("id")).isNull();
      assertThat(reply.getString("message")).contains("at most 128");
      assertThat(reply.encode().length()).isLessThan(300);
      ws.send(new JsonObject().put("type", "ping").put("id", "i".repeat(128)));
      assertThat(ws.awaitType("pong").getString("id")).hasSize(128);
    }
  }

  @Test
  void aClientThatSendsButNeverReadsIsClosed() throws Exception {
    Account user = cluster.api().register();
    try (Socket raw = new Socket()) {
      raw.setReceiveBufferSize(4096);
      raw.connect(new InetSocketAddress("127.0.0.1", cluster.node().port()));
      OutputStream out = raw.getOutputStream();
      RawFrames.upgrade(out, raw.getInputStream(), "/v1/sync", "Authorization: Bearer " + user.token());
      byte[] ping = RawFrames.text("{\"type\":\"ping\",\"id\":\"" + "p".repeat(120) + "\"}");
      long sent = 0;
      long started = System.nanoTime();
      boolean closedByServer = false;
      // Never reads: the pongs pile up in the kernel's buffers, then in the server's queue.
      while (System.nanoTime() - started < 60_000_000_000L) {
        try {
          out.write(ping);
          sent += ping.length;
        } catch (IOException e) {
          closedByServer = true;
          break;
        }
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      System.out.printf("hostile: a never-reading client was cut off after %.1f s and %,d bytes of pings%n", seconds, sent);
      assertThat(closedByServer).as("the server closed the socket").isTrue();
    }
  }

}
