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
  void whenTurnedOnItIsNegotiatedAndFramesInflateToTheSameChanges() throws Exception {
    try (TestCluster cluster = TestCluster.single(new JsonObject().put("sync", new JsonObject().put("compression", "deflate")))) {
      Session s = session(cluster, BROWSER_OFFER);
      assertThat(s.handshake).containsIgnoringCase("permessage-deflate");
      assertThat(s.frames).anySatisfy(f -> assertThat(f.compressed()).isTrue());
      assertThat(s.texts()).anySatisfy(t -> assertThat(t).contains("\"type\":\"change\"").contains("\"milk\""));
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
        byte[] input = new byte[f.payload().length + 4];
        System.arraycopy(f.payload(), 0, input, 0, f.payload().length);
        input[input.length - 2] = (byte) 0xff; // RFC 7692 §7.2.2: the tail the sender removed
        input[input.length - 1] = (byte) 0xff;
        inflater.setInput(input);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        int n;
        while ((n = inflater.inflate(buf)) > 0) {
          out.write(buf, 0, n);
        }
        texts.add(out.toString(StandardCharsets.UTF_8));
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
