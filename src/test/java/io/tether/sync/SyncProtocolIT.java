package io.tether.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.support.ApiClient;
import io.tether.support.RefusedUpgrades;
import io.tether.support.ApiClient.Account;
import io.tether.support.TestCluster;
import io.tether.support.WsClient;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The WebSocket protocol of PROTOCOL.md against a real node, with a real WebSocket client. */
class SyncProtocolIT {
  private static TestCluster cluster;
  private static ApiClient api;

  @BeforeAll
  static void start() {
    cluster = TestCluster.single(new JsonObject()
        .put("sync", new JsonObject().put("authTimeoutSeconds", 1).put("pingIntervalSeconds", 1)
            .put("idleTimeoutSeconds", 3).put("maxSubscriptions", 3).put("maxFrameBytes", 64 * 1024)));
    api = cluster.api();
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }


  private static String newSpace(Account owner) {
    String space = "ws-" + System.nanoTime();
    assertThat(api.createSpace(owner, space).status()).isEqualTo(201);
    return space;
  }

  private static JsonObject subscribe(String space, long since) {
    // Without presence: these tests read every frame and expect only the sync protocol's.
    return new JsonObject().put("type", "subscribe").put("id", "s-" + space).put("space", space).put("since", since)
        .put("presence", false);
  }

  @Test
  void subscribeCatchesUpThenSyncsThenGoesLive() {
    Account owner = api.register();
    String space = newSpace(owner);
    api.put(owner, space, "todos", "a", new JsonObject().put("n", 1));
    api.put(owner, space, "todos", "b", new JsonObject().put("n", 2));
    try (WsClient ws = WsClient.connect(cluster.vertx(), cluster.node().port(), owner.token())) {
      ws.send(subscribe(space, 0));
      JsonObject first = ws.next();
      assertThat(first.getString("type")).isEqualTo("change");
      assertThat(first.getLong("seq")).isEqualTo(1);
      assertThat(first.getString("id")).isEqualTo("a");
      assertThat(ws.next().getLong("seq")).isEqualTo(2);
      JsonObject synced = ws.next();
      assertThat(synced.getString("type")).isEqualTo("synced");
      assertThat(synced.getString("id")).isEqualTo("s-" + space);
      assertThat(synced.getLong("cursor")).isEqualTo(2);
      assertThat(synced.getString("epoch")).isNotBlank();

      api.put(owner, space, "todos", "c", new JsonObject().put("n", 3));
      JsonObject live = ws.awaitType("change");
      assertThat(live.getLong("seq")).isEqualTo(3);
      assertThat(live.getJsonObject("data")).isEqualTo(new JsonObject().put("n", 3));
      assertThat(live.getString("actor")).isEqualTo(owner.userId());
    }
  }

  @Test
  void tokenInQueryParameterOrFirstFrame() {
    Account owner = api.register();
    String space = newSpace(owner);
    try (WsClient query = WsClient.connect(cluster.vertx(), new WebSocketConnectOptions().setHost("127.0.0.1")
        .setPort(cluster.node().port()).setURI("/v1/sync?access_token=" + owner.token()))) {
      query.send(subscribe(space, 0));
      assertThat(query.next().getString("type")).isEqualTo("synced");
    }
    try (WsClient frame = WsClient.connect(cluster.vertx(), cluster.node().port(), null)) {
      frame.send(new JsonObject().put("type", "auth").put("id", 1).put("token", owner.token()));
      JsonObject authed = frame.next();
      assertThat(authed.getString("type")).isEqualTo("authenticated");
      assertThat(authed.getInteger("id")).isEqualTo(1);
      assertThat(authed.getString("userId")).isEqualTo(owner.userId());
      frame.send(subscribe(space, 0));
      assertThat(frame.next().getString("type")).isEqualTo("synced");
    }
  }

  @Test
  void aRefusedUpgradeAnswers401NotBadGateway() {
    UpgradeRejectedException refused = RefusedUpgrades.refusal(cluster.vertx(), new WebSocketConnectOptions()
        .setHost("127.0.0.1").setPort(cluster.node().port()).setURI("/v1/sync").addHeader("Authorization", "Bearer not-a-jwt"));
    assertThat(refused.getStatus()).isEqualTo(401);
    assertThat(refused.getBody().toJsonObject().getJsonObject("error").getString("code"))
        .isEqualTo("unauthorized");
  }

  @Test
  void framesBeforeAuthAndBadAuthFramesClose1008() {
    try (WsClient ws = WsClient.connect(cluster.vertx(), cluster.node().port(), null)) {
      ws.send(new JsonObject().put("type", "ping"));
      assertThat(ws.closeCode(5)).isEqualTo((short) 1008);
    }
    try (WsClient ws = WsClient.connect(cluster.vertx(), cluster.node().port(), null)) {
      ws.send(new JsonObject().put("type", "auth").put("token", "forged.token.value"));
      assertThat(ws.closeCode(5)).isEqualTo((short) 1008);
    }
  }

  @Test
  void aSocketThatNeverAuthenticatesIsClosedAfterTheAuthTimeout() {
    try (WsClient ws = WsClient.connect(cluster.vertx(), cluster.node().port(), null)) {
      assertThat(ws.closeCode(5)).isEqualTo((short) 1008);
    }
  }

  @Test
  void badFramesGetErrorFramesAndTheConnectionStaysOpen() {
    Account owner = api.register();
    String space = newSpace(owner);
    try (WsClient ws = WsClient.connect(cluster.vertx(), cluster.node().port(), owner.token())) {
      ws.sendRaw("{not json");
      assertThat(ws.next().getString("code")).isEqualTo("bad_request");
      ws.sendRaw("[1,2,3]");
      assertThat(ws.next().getString("code")).isEqualTo("bad_request");
      ws.send(new JsonObject().put("type", "teleport").put("id", 7));
      JsonObject unknown = ws.next();
      assertThat(unknown.getString("type")).isEqualTo("error");
      assertThat(unknown.getInteger("id")).isEqualTo(7);
      ws.send(new JsonObject().put("type", "subscribe").put("id", 8).put("space", "bad space!"));
      assertThat(ws.next().getString("code")).isEqualTo("bad_request");
      ws.send(new JsonObject().put("type", "subscribe").put("id", 9).put("space", space).put("since", -4));
      assertThat(ws.next().getString("code")).isEqualTo("bad_request");
      ws.send(new JsonObject().put("type", "subscribe").put("id", 10).put("space", 42));
      assertThat(ws.next().getString("code")).isEqualTo("bad_request");
      ws.send(new JsonObject().put("type", "unsubscribe").put("id", 11).put("space", space));
      assertThat(ws.next().getString("code")).isEqualTo("not_found");

      ws.send(new JsonObject().put("type", "ping").put("id", "p1"));
      assertThat(ws.next()).isEqualTo(new JsonObject().put("type", "pong").put("id", "p1"));
      assertThat(ws.isClosed()).isFalse();
    }
  }

  @Test
  void nonMembersAreRefusedWhateverTheSpaceName() {
    Account owner = api.register();
    Account stranger = api.register();
    String space = newSpace(owner);
    try (WsClient ws = WsClient.connect(cluster.vertx(), cluster.node().port(), stranger.token())) {
      ws.send(subscribe(space, 0).put("id", "x"));
      JsonObject refused = ws.next();
      ws.send(subscribe("missing-" + System.nanoTime(), 0).put("id", "x"));
      JsonObject missing = ws.next();
      assertThat(refused.getString("type")).isEqualTo("error");
      assertThat(refused.getString("code")).isEqualTo("forbidden");
      assertThat(missing).isEqualTo(refused);
      // Nothing of the space leaks to the stranger afterwards.
      api.put(owner, space, "c", "d", new JsonObject());
      assertThat(ws.drain(300)).isEmpty();
    }
  }

  @Test
  void aCursorFromAnotherEpochOrBeyondTheHeadNeedsAResync() {
    Account owner = api.register();
    String space = newSpace(owner);
    api.put(owner, space, "c", "d", new JsonObject());
    try (WsClient ws = WsClient.connect(cluster.vertx(), cluster.node().port(), owner.token())) {
      ws.send(subscribe(space, 0).put("epoch", "some-other-life"));
      JsonObject epoch = ws.next();
      assertThat(epoch.getString("type")).isEqualTo("resync_required");
      assertThat(epoch.getString("space")).isEqualTo(space);
      assertThat(epoch.getString("epoch")).isNotEqualTo("some-other-life");
      ws.send(subscribe(space, 50));
      assertThat(ws.next().getString("type")).isEqualTo("resync_required");
      // Neither left a subscription behind: subscribing properly still works.
      ws.send(subscribe(space, 1).put("epoch", epoch.getString("epoch")));
      assertThat(ws.next().getString("type")).isEqualTo("synced");
    }
  }

  @Test
  void unsubscribeStopsDeliveryAndLimitsApply() {
    Account owner = api.register();
    String space = newSpace(owner);
    try (WsClient ws = WsClient.connect(cluster.vertx(), cluster.node().port(), owner.token())) {
      ws.send(subscribe(space, 0));
      ws.awaitType("synced");
      ws.send(subscribe(space, 0).put("id", "dup"));
      assertThat(ws.next().getString("code")).isEqualTo("conflict");
      ws.send(new JsonObject().put("type", "unsubscribe").put("id", "u").put("space", space));
      assertThat(ws.next().getString("type")).isEqualTo("unsubscribed");
      api.put(owner, space, "c", "d", new JsonObject());
      assertThat(ws.drain(300)).isEmpty();

      for (int i = 0; i < 3; i++) {
        ws.send(subscribe(newSpace(owner), 0));
        ws.awaitType("synced");
      }
      ws.send(subscribe(newSpace(owner), 0));
      assertThat(ws.next().getString("code")).isEqualTo("too_large");
    }
  }

  @Test
  void aFrameOverTheLimitCloses1009() {
    Account owner = api.register();
    try (WsClient ws = WsClient.connect(cluster.vertx(), cluster.node().port(), owner.token())) {
      ws.sendRaw(new JsonObject().put("type", "ping").put("pad", "x".repeat(100 * 1024)).encode());
      assertThat(ws.closeCode(5)).isEqualTo((short) 1009);
    }
    // The server keeps serving everyone else.
    assertThat(api.send("GET", "/health/live", null, null).status()).isEqualTo(200);
  }

  @Test
  void silentSocketsAreClosedAndAnsweringOnesStay() throws Exception {
    Account owner = api.register();
    try (WsClient answering = WsClient.connect(cluster.vertx(), cluster.node().port(), owner.token())) {
      // Vert.x's client answers pings with pongs on its own: that counts as activity.
      Thread.sleep(4500);
      assertThat(answering.isClosed()).isFalse();
    }
    // A raw client that completes the handshake, then never answers: it sees pings, then a 1001 close.
    try (Socket raw = new Socket("127.0.0.1", cluster.node().port())) {
      raw.setSoTimeout(10_000);
      OutputStream out = raw.getOutputStream();
      out.write(("GET /v1/sync HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
          + "Authorization: Bearer " + owner.token() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      DataInputStream in = new DataInputStream(raw.getInputStream());
      String status = readLine(in);
      assertThat(status).startsWith("HTTP/1.1 101");
      while (!readLine(in).isEmpty()) {
        // headers
      }
      int pings = 0;
      long started = System.nanoTime();
      while (true) {
        int opcode = in.readUnsignedByte() & 0x0f;
        int length = in.readUnsignedByte() & 0x7f;
        byte[] payload = in.readNBytes(length);
        if (opcode == 0x9) {
          pings++;
        } else if (opcode == 0x8) {
          int code = ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
          assertThat(code).isEqualTo(1001);
          break;
        }
      }
      assertThat(pings).isPositive();
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(8));
    }
  }

  private static String readLine(DataInputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    int c;
    while ((c = in.read()) != '\n') {
      if (c == -1) {
        throw new EOFException();
      }
      if (c != '\r') {
        line.append((char) c);
      }
    }
    return line.toString();
  }
}
