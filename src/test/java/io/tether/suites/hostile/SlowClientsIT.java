package io.tether.suites.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.support.TestCluster;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Issue 16, item 7: a client cannot hold a connection open by being slow (no proxy in front). */
class SlowClientsIT {
  private static TestCluster cluster;

  @BeforeAll
  static void start() {
    cluster = TestCluster.single(new JsonObject()
        .put("http", new JsonObject().put("headerTimeoutSeconds", 2).put("requestTimeoutSeconds", 3)
            .put("keepAliveSeconds", 2)));
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  /** Seconds until the server closes the connection while {@code trickle} bytes go out one every 500 ms. */
  private static double secondsUntilClosed(String head, String trickle) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", cluster.node().port())) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      long started = System.nanoTime();
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      Thread slow = new Thread(() -> {
        try {
          for (byte b : trickle.getBytes(StandardCharsets.US_ASCII)) {
            Thread.sleep(500);
            out.write(b);
            out.flush();
          }
        } catch (Exception e) {
          // closed by the server: expected
        }
      });
      slow.setDaemon(true);
      slow.start();
      while (in.read() != -1) {
        // whatever the server answers (nothing, or a response): read until it hangs up
      }
      return (System.nanoTime() - started) / 1e9;
    }
  }

  @Test
  void headersTrickledByteByByteLoseTheConnection() throws Exception {
    double seconds = secondsUntilClosed("GET /health/live HTTP/1.1\r\n", "X-Slow: " + "a".repeat(100) + "\r\n\r\n");
    System.out.printf("hostile: slow headers closed after %.1f s (header timeout 2 s; the trickle would take 55 s)%n", seconds);
    assertThat(seconds).isBetween(1.5, 10.0);
  }

  @Test
  void aBodyTrickledByteByByteLosesTheConnection() throws Exception {
    double seconds = secondsUntilClosed("POST /v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        + "Content-Length: 200\r\n\r\n", "{\"email\":\"" + "a".repeat(180));
    System.out.printf("hostile: slow body closed after %.1f s (request timeout 3 s)%n", seconds);
    assertThat(seconds).isBetween(2.5, 10.0);
  }

  @Test
  void anIdleKeptAliveConnectionIsClosedAndAnOrdinaryRequestIsServed() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", cluster.node().port())) {
      socket.setSoTimeout(30_000);
      socket.getOutputStream().write("GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();
      byte[] status = in.readNBytes(12);
      assertThat(new String(status, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200");
      long started = System.nanoTime();
      while (in.read() != -1) {
        // the rest of the response, then the close
      }
      double idle = (System.nanoTime() - started) / 1e9;
      assertThat(idle).isBetween(1.5, 10.0);
    }
  }
}
