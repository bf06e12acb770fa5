package io.tether.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.HashSet;
import java.util.Set;
import org.HdrHistogram.Recorder;

/** One socket of the presence scenario: keeps the members it was told about, counts presence traffic, times signals. */
final class PresenceSocket {
  private final Recorder signalLatency;
  private final Promise<Void> present = Promise.promise();
  private final Set<String> members = new HashSet<>();
  private WebSocket socket;
  private volatile long presenceFrames;
  private volatile long presenceBytes;
  private volatile long signals;
  /** The server's count of all members (a bounded list may show fewer); -1 from a server that sends none. */
  private volatile int reportedCount = -1;

  private PresenceSocket(Recorder signalLatency) {
    this.signalLatency = signalLatency;
  }

  /** Connects and subscribes; completes once its first presence_state has arrived. */
  static Future<PresenceSocket> open(WebSocketClient client, String url, String token, String space, Recorder signalLatency) {
    URI uri = URI.create(url);
    PresenceSocket ps = new PresenceSocket(signalLatency);
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost(uri.getHost()).setPort(uri.getPort())
        .setURI("/v1/sync").addHeader("Authorization", "Bearer " + token).setAllowOriginHeader(false);
    return client.connect(options).compose(ws -> {
      ps.socket = ws;
      ws.textMessageHandler(ps::onText);
      ws.closeHandler(v -> ps.present.tryFail("closed " + ws.closeStatusCode() + " " + ws.closeReason()));
      ws.exceptionHandler(err -> ps.present.tryFail(err));
      return ws.writeTextMessage(new JsonObject().put("type", "subscribe").put("space", space).put("since", 0).encode());
    }).compose(v -> {
      // A socket whose presence_state never comes fails the run, saying so, instead of stalling it.
      io.vertx.core.Vertx vertx = io.vertx.core.Vertx.currentContext().owner();
      long timer = vertx.setTimer(30_000, id -> ps.present.tryFail("no presence_state within 30 s of subscribing"));
      return ps.present.future().onComplete(ar -> vertx.cancelTimer(timer));
    }).map(ps);
  }

  private synchronized void onText(String text) {
    JsonObject frame = new JsonObject(text);
    switch (frame.getString("type", "")) {
      case "presence_state" -> {
        count(text);
        members.clear();
        frame.getJsonArray("members").forEach(m -> members.add(((JsonObject) m).getString("userId")));
        reportedCount = frame.getInteger("count", -1);
        present.tryComplete();
      }
      case "presence_diff" -> {
        count(text);
        frame.getJsonArray("joins").forEach(m -> members.add(((JsonObject) m).getString("userId")));
        frame.getJsonArray("leaves").forEach(m -> members.remove(((JsonObject) m).getString("userId")));
        reportedCount = frame.getInteger("count", -1);
      }
      case "signal" -> {
        signals++;
        long sentMicros = frame.getJsonObject("data").getLong("sentMicros");
        signalLatency.recordValue(Math.max(0, System.currentTimeMillis() * 1000 - sentMicros));
      }
      case "error" -> present.tryFail("error " + text);
      default -> { }
    }
  }

  private void count(String text) {
    presenceFrames++;
    presenceBytes += text.length();
  }

  /** Members present, as the server counts them (or as listed, from a server that lists everyone). */
  synchronized int memberCount() {
    return reportedCount >= 0 ? reportedCount : members.size();
  }

  long presenceFrames() {
    return presenceFrames;
  }

  long presenceBytes() {
    return presenceBytes;
  }

  long signals() {
    return signals;
  }

  Future<Void> signal(String space) {
    return socket.writeTextMessage(new JsonObject().put("type", "signal").put("space", space)
        .put("data", new JsonObject().put("sentMicros", System.currentTimeMillis() * 1000)).encode());
  }

  Future<Void> close() {
    return socket == null ? Future.succeededFuture() : socket.close();
  }
}
