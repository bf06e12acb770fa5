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
  private static final String CHANGE = "{\"type\":\"change\"";

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

  private BenchSubscriber(long since, Recorder latency) {
    this.expected = since + 1;
    this.lastSeq = since;
    this.latency = latency;
  }

  /** Connects, subscribes from {@code since}, and completes once the catch-up is done. */
  static Future<BenchSubscriber> open(WebSocketClient client, String url, String token, String space, long since,
                                      Recorder latency) {
    URI uri = URI.create(url);
    BenchSubscriber subscriber = new BenchSubscriber(since, latency);
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost(uri.getHost()).setPort(uri.getPort())
        .setURI("/v1/sync").addHeader("Authorization", "Bearer " + token).setAllowOriginHeader(false);
    return client.connect(options).compose(ws -> {
      subscriber.socket = ws;
      ws.textMessageHandler(subscriber::onText);
      ws.closeHandler(v -> subscriber.synced.tryFail("closed " + ws.closeStatusCode()));
      return ws.writeTextMessage(new JsonObject().put("type", "subscribe").put("space", space).put("since", since).encode());
    }).compose(v -> subscriber.synced.future()).map(subscriber);
  }

  private void onText(String text) {
    if (!text.startsWith(CHANGE)) {
      if (text.contains("\"type\":\"synced\"")) {
        live = true;
        syncedAtNanos = System.nanoTime();
        synced.tryComplete();
      } else if (!text.contains("\"type\":\"token_expiring\"")) {
        synced.tryFail("unexpected frame " + text);
      }
      return;
    }
    long seq = number(text, "\"seq\":");
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
      latency.recordValue(Math.max(0, System.currentTimeMillis() * 1000 - commitMicros(text)));
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

  private static long number(String text, String key) {
    int at = text.indexOf(key) + key.length();
    long value = 0;
    for (int i = at; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        break;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  private static long commitMicros(String text) {
    int at = text.indexOf("\"ts\":\"") + 6;
    Instant ts = Instant.parse(text.substring(at, text.indexOf('"', at)));
    return ts.getEpochSecond() * 1_000_000 + ts.getNano() / 1000;
  }
}
