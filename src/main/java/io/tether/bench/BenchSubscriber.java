package io.tether.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Instant;
import org.HdrHistogram.Recorder;

/**
 * One subscribed socket of the load generator. Checks seq continuity (lost, duplicated) and records
 * commit-to-receive latency of live changes. Its fields are touched only on its socket's event loop,
 * and read after the run.
 */
final class BenchSubscriber {
  private static final byte[] CHANGE = "{\"type\":\"change\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final byte[] SEQ = "\"seq\":".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final byte[] TS = "\"ts\":\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  /** Every subscriber of a space gets the same frame: parse each change's commit time once. */
  private static final java.util.concurrent.atomic.AtomicLongArray COMMIT_SEQ = new java.util.concurrent.atomic.AtomicLongArray(8192);
  private static final java.util.concurrent.atomic.AtomicLongArray COMMIT_MICROS = new java.util.concurrent.atomic.AtomicLongArray(8192);

  private final Recorder latency;
  private final Promise<Void> synced = Promise.promise();
  private WebSocket socket;
  private long expected;
  private volatile long lastSeq;
  private volatile long received;
  private volatile long lost;
  private volatile long duplicated;
  private volatile boolean live;
  private volatile long syncedAtNanos;
  private final long openedAtNanos = System.nanoTime();
  private volatile boolean deflate;

  private BenchSubscriber(long since, Recorder latency) {
    this.expected = since + 1;
    this.lastSeq = since;
    this.latency = latency;
  }

  /** Connects, subscribes from {@code since}, and completes once the catch-up is done. */
  static Future<BenchSubscriber> open(WebSocketClient client, String url, String token, String space, long since,
                                      boolean presence, Recorder latency) {
    return open(client, url, token, space, since, presence, null, latency);
  }

  /** The same with a partial-sync query (null: the whole space). */
  static Future<BenchSubscriber> open(WebSocketClient client, String url, String token, String space, long since,
                                      boolean presence, JsonObject query, Recorder latency) {
    URI uri = URI.create(url);
    BenchSubscriber subscriber = new BenchSubscriber(since, latency);
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost(uri.getHost()).setPort(uri.getPort())
        .setURI("/v1/sync").addHeader("Authorization", "Bearer " + token).setAllowOriginHeader(false);
    return client.connect(options).compose(ws -> {
      subscriber.socket = ws;
      String extensions = ws.headers() == null ? null : ws.headers().get("Sec-WebSocket-Extensions");
      subscriber.deflate = extensions != null && extensions.contains("permessage-deflate");
      // Frames are read as bytes: decoding every frame to a String costs the generator more than the server.
      ws.frameHandler(frame -> {
        if (frame.isText() && frame.isFinal()) {
          subscriber.onFrame(frame.binaryData());
        }
      });
      ws.closeHandler(v -> subscriber.synced.tryFail("closed " + ws.closeStatusCode()));
      JsonObject subscribe = new JsonObject().put("type", "subscribe").put("space", space).put("since", since)
          .put("presence", presence);
      return ws.writeTextMessage((query == null ? subscribe : subscribe.put("query", query)).encode());
    }).compose(v -> subscriber.synced.future()).map(subscriber);
  }

  private void onFrame(io.vertx.core.buffer.Buffer frame) {
    if (!startsWith(frame, CHANGE)) {
      String text = frame.toString();
      if (text.contains("\"type\":\"synced\"")) {
        live = true;
        syncedAtNanos = System.nanoTime();
        synced.tryComplete();
      } else if (!text.contains("\"type\":\"token_expiring\"")) {
        synced.tryFail("unexpected frame " + text);
      }
      return;
    }
    long seq = number(frame, indexOf(frame, SEQ, 0) + SEQ.length);
    if (seq == expected) {
      expected++;
    } else if (seq > expected) {
      lost += seq - expected;
      expected = seq + 1;
    } else {
      duplicated++;
      return;
    }
    lastSeq = seq;
    received++;
    if (live) {
      latency.recordValue(Math.max(0, System.currentTimeMillis() * 1000 - commitMicros(frame)));
    }
  }

  long lastSeq() {
    return lastSeq;
  }

  long received() {
    return received;
  }

  long syncedAtNanos() {
    return syncedAtNanos;
  }

  /** From starting to connect until {@code synced}. */
  long connectToSyncedNanos() {
    return syncedAtNanos - openedAtNanos;
  }

  /** Whether the server agreed to permessage-deflate on this socket. */
  boolean deflate() {
    return deflate;
  }

  /** Lost so far, counting what is missing up to {@code head}. */
  long lost(long head) {
    return lost + Math.max(0, head - lastSeq);
  }

  long duplicated() {
    return duplicated;
  }

  Future<Void> close() {
    return socket == null ? Future.succeededFuture() : socket.close();
  }

  private static boolean startsWith(io.vertx.core.buffer.Buffer frame, byte[] prefix) {
    if (frame.length() < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (frame.getByte(i) != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static int indexOf(io.vertx.core.buffer.Buffer frame, byte[] needle, int from) {
    outer:
    for (int i = from; i <= frame.length() - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (frame.getByte(i + j) != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static long number(io.vertx.core.buffer.Buffer frame, int at) {
    long value = 0;
    for (int i = at; i < frame.length(); i++) {
      byte c = frame.getByte(i);
      if (c < '0' || c > '9') {
        break;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  /** The frame's commit time; the same change reaches every subscriber, so each ts is parsed once (keyed by its bytes). */
  private static long commitMicros(io.vertx.core.buffer.Buffer frame) {
    int at = indexOf(frame, TS, 0) + TS.length;
    int end = at;
    long hash = 0xcbf29ce484222325L;
    while (frame.getByte(end) != '"') {
      hash = (hash ^ frame.getByte(end)) * 0x100000001b3L;
      end++;
    }
    int slot = (int) (hash & (COMMIT_SEQ.length() - 1));
    if (COMMIT_SEQ.get(slot) == hash) {
      return COMMIT_MICROS.get(slot);
    }
    Instant ts = Instant.parse(frame.getString(at, end));
    long micros = ts.getEpochSecond() * 1_000_000 + ts.getNano() / 1000;
    COMMIT_MICROS.set(slot, micros);
    COMMIT_SEQ.set(slot, hash);
    return micros;
  }
}
