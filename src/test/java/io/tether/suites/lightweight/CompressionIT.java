package io.tether.suites.lightweight;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.support.ApiClient;
import io.tether.support.ApiClient.Account;
import io.tether.support.RawFrames;
import io.tether.support.TestCluster;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;

/**
 * Issue 17: what a client that offers permessage-deflate gets — as browsers ("permessage-deflate;
 * client_max_window_bits") and OkHttp ("permessage-deflate") always offer it. Spoken by hand so the
 * 101's headers and each frame's RSV1 bit are what the server really sent.
 */
class CompressionIT {
  private static final String BROWSER_OFFER = "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits";
  private static final String OKHTTP_OFFER = "Sec-WebSocket-Extensions: permessage-deflate";
  private static final String NO_CONTEXT_OFFER =
      "Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover; client_no_context_takeover";

  @Test
  void byDefaultAnOfferIsDeclinedAndEveryFrameIsPlain() throws Exception {
    try (TestCluster cluster = TestCluster.single(new JsonObject())) {
      for (String offer : new String[] {BROWSER_OFFER, OKHTTP_OFFER}) {
        Session s = session(cluster, offer);
        assertThat(s.handshake).as(offer).doesNotContainIgnoringCase("permessage-deflate");
        assertThat(s.frames).as(offer).hasSizeGreaterThanOrEqualTo(2)
            .allSatisfy(f -> assertThat(f.compressed()).as("RSV1").isFalse());
        assertThat(s.texts()).anySatisfy(t -> assertThat(t).contains("\"type\":\"change\"").contains("\"milk\""));
      }
    }
  }

  @Test
  void whenTurnedOnOneCompressedFrameServesEverySocketAndInflatesOnItsOwn() throws Exception {
    try (TestCluster cluster = TestCluster.single(new JsonObject().put("sync", new JsonObject().put("compression", "deflate")))) {
      ApiClient api = cluster.api();
      Account user = api.register();
      String space = "deflate-" + System.nanoTime();
      api.createSpace(user, space);
      try (Raw browser = Raw.open(cluster, user, BROWSER_OFFER); Raw okhttp = Raw.open(cluster, user, OKHTTP_OFFER);
           Raw noContext = Raw.open(cluster, user, NO_CONTEXT_OFFER)) {
        // Each message is compressed on its own, so a client that forbids the server a window is accepted.
        assertThat(noContext.handshake).containsIgnoringCase("server_no_context_takeover")
            .containsIgnoringCase("client_no_context_takeover");
        for (Raw socket : new Raw[] {browser, okhttp, noContext}) {
          assertThat(socket.handshake).containsIgnoringCase("permessage-deflate");
          socket.subscribe(space);
        }
        String note = "milk, bread and eggs; ".repeat(30);
        assertThat(api.put(user, space, "items", "milk", new JsonObject().put("note", note)).status()).isEqualTo(201);
        RawFrames.Frame first = browser.next();
        RawFrames.Frame second = okhttp.next();
        RawFrames.Frame third = noContext.next();
        assertThat(first.compressed()).isTrue();
        assertThat(first.payload()).as("compressed once: the same bytes to every socket")
            .isEqualTo(second.payload()).isEqualTo(third.payload());
        assertThat(first.payload().length).isLessThan(note.length() / 2);
        // A fresh inflater per frame: the frame does not refer back into an earlier message.
        assertThat(new Session("", List.of(first)).texts()).singleElement().asString()
            .contains("\"type\":\"change\"").contains(note);
      }
    }
  }

  @Test
  void aClientThatCompressesItsOwnFramesIsUnderstood() throws Exception {
    try (TestCluster cluster = TestCluster.single(new JsonObject().put("sync", new JsonObject().put("compression", "deflate")))) {
      ApiClient api = cluster.api();
      Account user = api.register();
      String space = "deflate-in-" + System.nanoTime();
      api.createSpace(user, space);
      try (Raw socket = Raw.open(cluster, user, OKHTTP_OFFER)) {
        socket.out.write(RawFrames.compressedText(new JsonObject().put("type", "subscribe").put("id", "s")
            .put("space", space).put("since", 0).put("presence", false).put("pad", "p".repeat(300)).encode()));
        socket.out.write(RawFrames.compressedText(new JsonObject().put("type", "ping").put("id", 7).encode()));
        socket.out.flush();
        List<String> texts = new Session("", List.of(socket.next(), socket.next())).texts();
        assertThat(texts).anySatisfy(t -> assertThat(t).contains("\"type\":\"synced\""))
            .anySatisfy(t -> assertThat(t).contains("\"type\":\"pong\""));
      }
    }
  }

  @Test
  void anOfferOfASmallerServerWindowIsDeclined() throws Exception {
    // Java's Deflater always uses a 32 KiB window; a client that asks for less gets plain frames.
    try (TestCluster cluster = TestCluster.single(new JsonObject().put("sync", new JsonObject().put("compression", "deflate")))) {
      Session s = session(cluster, "Sec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=10");
      assertThat(s.handshake).doesNotContainIgnoringCase("permessage-deflate");
      assertThat(s.frames).allSatisfy(f -> assertThat(f.compressed()).as("RSV1").isFalse());
      assertThat(s.texts()).anySatisfy(t -> assertThat(t).contains("\"milk\""));
    }
  }

  @Test
  void largeChangesArriveWholePlainAndCompressed() throws Exception {
    for (String compression : new String[] {"off", "deflate"}) {
      try (TestCluster cluster = TestCluster.single(new JsonObject().put("sync", new JsonObject().put("compression", compression)))) {
        ApiClient api = cluster.api();
        Account user = api.register();
        String space = "large-" + System.nanoTime();
        api.createSpace(user, space);
        try (Raw socket = Raw.open(cluster, user, OKHTTP_OFFER)) {
          socket.subscribe(space);
          // Past 65,535 bytes a frame needs the 64-bit length; random text keeps it large compressed too.
          StringBuilder big = new StringBuilder();
          java.util.Random random = new java.util.Random(17);
          while (big.length() < 200_000) {
            big.append(Long.toString(random.nextLong(), 36));
          }
          assertThat(api.put(user, space, "items", "big", new JsonObject().put("blob", big.toString())).status()).isEqualTo(201);
          RawFrames.Frame frame = socket.next();
          assertThat(frame.payload().length).as(compression).isGreaterThan(65_535);
          JsonObject change = new JsonObject(new Session("", List.of(frame)).texts().get(0));
          assertThat(change.getJsonObject("data").getString("blob")).as(compression).isEqualTo(big.toString());
        }
      }
    }
  }

  @Test
  void aLibraryClientKeepingContextTakeoverInflatesEveryChangeInOrder() {
    // Vert.x's client keeps one inflater per socket and compresses its own frames: the bench's
    // subscribers check every seq arrives once and in order.
    try (TestCluster cluster = TestCluster.single(new JsonObject().put("sync", new JsonObject()
        .put("compression", "deflate").put("maxConnectionsPerUser", 1000)))) {
      JsonObject run = io.tether.support.Await.result(io.tether.bench.Bench.run(cluster.vertx(), io.tether.bench.BenchOptions.parse(
          new String[] {"fanout", "--url", "http://127.0.0.1:" + cluster.node().port(), "--subscribers", "20",
              "--rate", "50", "--duration", "2", "--deflate", "true"})), 120);
      assertThat(run.getInteger("deflateNegotiated")).isEqualTo(20);
      assertThat(run.getLong("writes")).isPositive();
      assertThat(run.getLong("deliveries")).isEqualTo(20 * run.getLong("writes"));
      assertThat(run.getLong("lost")).isZero();
      assertThat(run.getLong("duplicated")).isZero();
    }
  }

  /** A hand-spoken socket that has upgraded with an offer. */
  private static final class Raw implements AutoCloseable {
    final Socket socket = new Socket();
    final String handshake;
    final OutputStream out;
    final InputStream in;

    private Raw(TestCluster cluster, Account user, String offer) throws Exception {
      socket.connect(new InetSocketAddress("127.0.0.1", cluster.node().port()), 5000);
      socket.setSoTimeout(10_000);
      out = socket.getOutputStream();
      in = socket.getInputStream();
      handshake = RawFrames.upgrade(out, in, "/v1/sync", "Authorization: Bearer " + user.token(), offer);
    }

    static Raw open(TestCluster cluster, Account user, String offer) throws Exception {
      return new Raw(cluster, user, offer);
    }

    void subscribe(String space) throws Exception {
      out.write(RawFrames.shortText(new JsonObject().put("type", "subscribe").put("id", "s").put("space", space)
          .put("since", 0).put("presence", false).encode()));
      out.flush();
      RawFrames.Frame synced = next();
      assertThat(new String(synced.payload(), StandardCharsets.UTF_8)).contains("synced");
    }

    RawFrames.Frame next() throws Exception {
      return RawFrames.readFrame(in);
    }

    @Override
    public void close() throws Exception {
      socket.close();
    }
  }

  private record Session(String handshake, List<RawFrames.Frame> frames) {
    List<String> texts() throws Exception {
      List<String> texts = new ArrayList<>();
      Inflater inflater = new Inflater(true); // one stream: the client allows context takeover
      for (RawFrames.Frame f : frames) {
        if (!f.compressed()) {
          texts.add(new String(f.payload(), StandardCharsets.UTF_8));
          continue;
        }
        texts.add(RawFrames.inflate(inflater, f.payload()));
      }
      return texts;
    }
  }

  /** Upgrades with the offer, subscribes, writes one document, and reads frames up to its change. */
  private static Session session(TestCluster cluster, String offer) throws Exception {
    ApiClient api = cluster.api();
    Account user = api.register();
    String space = "deflate-" + System.nanoTime();
    api.createSpace(user, space);
    try (Socket raw = new Socket()) {
      raw.connect(new InetSocketAddress("127.0.0.1", cluster.node().port()), 5000);
      raw.setSoTimeout(10_000);
      OutputStream out = raw.getOutputStream();
      InputStream in = raw.getInputStream();
      String handshake = RawFrames.upgrade(out, in, "/v1/sync", "Authorization: Bearer " + user.token(), offer);
      out.write(RawFrames.shortText(new JsonObject().put("type", "subscribe").put("id", "s").put("space", space)
          .put("since", 0).put("presence", false).encode()));
      out.flush();
      List<RawFrames.Frame> frames = new ArrayList<>();
      frames.add(RawFrames.readFrame(in)); // synced
      assertThat(api.put(user, space, "items", "milk", new JsonObject().put("qty", 2)).status()).isEqualTo(201);
      frames.add(RawFrames.readFrame(in)); // the change
      return new Session(handshake, frames);
    }
  }
}
