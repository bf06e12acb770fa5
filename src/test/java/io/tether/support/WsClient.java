package io.tether.support;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A real WebSocket client of {@code /v1/sync} that queues every frame it receives, for tests. */
public final class WsClient implements AutoCloseable {
  private final WebSocketClient client;
  private final WebSocket socket;
  private final LinkedBlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
  private final CompletableFuture<Short> closed = new CompletableFuture<>();
  private volatile long closedAtMillis;

  private WsClient(WebSocketClient client, WebSocketConnectOptions options) {
    this.client = client;
    // Handlers are set as the connection completes, on its event loop, so no early frame is missed.
    this.socket = Await.result(client.connect(options).map(ws -> {
      ws.textMessageHandler(text -> frames.add(new JsonObject(text)));
      ws.closeHandler(v -> {
        closedAtMillis = System.currentTimeMillis();
        closed.complete(ws.closeStatusCode());
      });
      return ws;
    }));
  }

  /** Connects with the token in the Authorization header (or none if null). */
  public static WsClient connect(Vertx vertx, int port, String token) {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/v1/sync");
    if (token != null) {
      options.addHeader("Authorization", "Bearer " + token);
    }
    return connect(vertx, options);
  }

  /** Like a native app, sends no Origin header unless the test adds one. */
  public static WsClient connect(Vertx vertx, WebSocketConnectOptions options) {
    options.setAllowOriginHeader(false);
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxFrameSize(4 * 1024 * 1024)
        .setMaxMessageSize(16 * 1024 * 1024));
    return new WsClient(client, options);
  }

  public void send(JsonObject frame) {
    Await.result(socket.writeTextMessage(frame.encode()));
  }

  /** Sends {@code {"type":"subscribe","id":"s",space,since,presence}}; returns this socket. */
  public WsClient subscribe(String space, long since, boolean presence) {
    send(new JsonObject().put("type", "subscribe").put("id", "s").put("space", space).put("since", since)
        .put("presence", presence));
    return this;
  }

  public void sendRaw(String text) {
    Await.result(socket.writeTextMessage(text));
  }

  public WebSocket socket() {
    return socket;
  }

  /** The next frame, or an assertion error after {@code seconds}. */
  public JsonObject next(int seconds) {
    try {
      JsonObject frame = frames.poll(seconds, TimeUnit.SECONDS);
      if (frame == null) {
        throw new AssertionError("no frame within " + seconds + " s");
      }
      return frame;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  public JsonObject next() {
    return next(10);
  }

  /** Skips frames until one of this type arrives. */
  public JsonObject awaitType(String type) {
    return awaitFrame(f -> type.equals(f.getString("type")), 15);
  }

  public JsonObject awaitFrame(Predicate<JsonObject> match, int seconds) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("no matching frame within " + seconds + " s");
      }
      JsonObject frame = next((int) Math.max(1, TimeUnit.NANOSECONDS.toSeconds(left)));
      if (match.test(frame)) {
        return frame;
      }
    }
  }

  /** Frames that arrive within {@code millis}, without waiting for more. */
  public List<JsonObject> drain(long millis) {
    List<JsonObject> out = new ArrayList<>();
    long deadline = System.currentTimeMillis() + millis;
    try {
      while (true) {
        long left = deadline - System.currentTimeMillis();
        JsonObject frame = frames.poll(Math.max(0, left), TimeUnit.MILLISECONDS);
        if (frame == null) {
          return out;
        }
        out.add(frame);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return out;
    }
  }

  /** The close code the server sent, waiting up to {@code seconds}. */
  public short closeCode(int seconds) {
    try {
      Short code = closed.get(seconds, TimeUnit.SECONDS);
      return code == null ? -1 : code;
    } catch (Exception e) {
      throw new AssertionError("socket not closed within " + seconds + " s");
    }
  }

  /** When the close arrived (0 while open). */
  public long closedAtMillis() {
    return closedAtMillis;
  }

  public boolean isClosed() {
    return closed.isDone();
  }

  @Override
  public void close() {
    if (!closed.isDone()) {
      socket.close();
    }
    client.close();
  }
}
