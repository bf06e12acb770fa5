package io.tether.suites.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.support.ApiClient;
import io.tether.support.ApiClient.Account;
import io.tether.support.RawFrames;
import io.tether.support.TestCluster;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 32, item 2: with {@code sync.compression=deflate}, what a client sends compressed is held to
 * the socket's limit while it inflates (16 KiB before authentication), and broken frames are closed
 * with a close frame and the code that names the fault. Spoken by hand, as an attacker would.
 */
class CompressionBombIT {
  private static final String OFFER = "Sec-WebSocket-Extensions: permessage-deflate";
  private static TestCluster cluster;
  private static ApiClient api;

  @BeforeAll
  static void start() {
    cluster = TestCluster.single(new JsonObject().put("sync", new JsonObject().put("compression", "deflate")));
    api = cluster.api();
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  private Socket open(String... headers) throws Exception {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", cluster.node().port()), 5000);
    socket.setSoTimeout(15_000);
    String handshake = RawFrames.upgrade(socket.getOutputStream(), socket.getInputStream(), "/v1/sync", headers);
    assertThat(handshake).containsIgnoringCase(headers.length > 0 ? "permessage-deflate" : "HTTP/1.1 101");
    return socket;
  }

  private static int sendAndAwaitClose(Socket socket, byte[] frame) throws Exception {
    OutputStream out = socket.getOutputStream();
    out.write(frame);
    out.flush();
    return RawFrames.awaitClose(socket.getInputStream());
  }

  @Test
  void aTokenlessBombIsRefusedAt16KiBWithoutStallingTheNode() throws Exception {
    byte[] bomb = RawFrames.deflatedSpaces(500L << 20); // 500 MiB inflated, about 500 KB on the wire
    assertThat(bomb.length).isLessThan(1024 * 1024);
    for (int round = 0; round < 3; round++) {
      try (Socket socket = open(OFFER)) {
        long started = System.nanoTime();
        assertThat(sendAndAwaitClose(socket, RawFrames.frame(0xC1, bomb))).isEqualTo(1009);
        assertThat((System.nanoTime() - started) / 1_000_000).as("refused while inflating, not after 500 MiB")
            .isLessThan(3_000);
      }
    }
    long started = System.nanoTime();
    assertThat(api.send("GET", "/health/ready", null, null).status()).isEqualTo(200);
    assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(2_000);
  }

  @Test
  void anAuthenticatedSocketMaySendCompressedMessagesUpToTheFrameLimit() throws Exception {
    Account user = api.register();
    try (Socket socket = open("Authorization: Bearer " + user.token(), OFFER)) {
      String padding = "p".repeat(100 * 1024);
      byte[] payload = RawFrames.deflated(new JsonObject().put("type", "ping").put("id", padding).encode());
      OutputStream out = socket.getOutputStream();
      out.write(RawFrames.frame(0xC1, payload));
      out.flush();
      InputStream in = socket.getInputStream();
      RawFrames.Frame pong = RawFrames.readFrame(in);
      assertThat(pong.opcode()).as("an answer, not a close").isEqualTo(1);
    }
  }

  @Test
  void corruptCompressedDataIsClosedWith1007() throws Exception {
    try (Socket socket = open(OFFER)) {
      assertThat(sendAndAwaitClose(socket, RawFrames.frame(0xC1, new byte[] {(byte) 0xff, (byte) 0xff, 1, 2, 3})))
          .isEqualTo(1007);
    }
  }

  @Test
  void reservedBitsNobodyAgreedOnAreClosedWith1002() throws Exception {
    try (Socket socket = open(OFFER)) {
      assertThat(sendAndAwaitClose(socket, RawFrames.frame(0xC9, new byte[0]))).as("RSV1 on a ping").isEqualTo(1002);
    }
    try (Socket socket = open()) {
      assertThat(sendAndAwaitClose(socket, RawFrames.frame(0xC1, RawFrames.deflated("{\"type\":\"ping\"}"))))
          .as("RSV1 without compression agreed").isEqualTo(1002);
    }
    try (Socket socket = open(OFFER)) {
      assertThat(sendAndAwaitClose(socket, RawFrames.frame(0xA1, "{}".getBytes(StandardCharsets.UTF_8))))
          .as("RSV2").isEqualTo(1002);
    }
  }

}
