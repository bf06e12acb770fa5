package io.tether.suites.fault;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A phone, as the protocol expects one to behave: subscribes to one space from its cursor, keeps a
 * copy of the documents, and whenever its socket closes (node killed, drained, network blip)
 * reconnects to the next node after a jittered delay and resumes from its cursor and epoch. It
 * counts what would break the guarantee: a seq skipped (lost), a seq seen twice (duplicated), a seq
 * lower than the one before (out of order). On {@code resync_required} it reloads over REST.
 */
final class Subscriber {
  private final Vertx vertx;
  private final WebSocketClient sockets;
  private final HttpClient http;
  private final List<Integer> ports;
  private final String token;
  private final String space;
  private final Map<String, JsonObject> documents = new HashMap<>();
  private WebSocket socket;
  private int attempt;
  private long cursor;
  private long lastSeen;
  private String epoch;
  private boolean stopped;
  private long maxReconnectDelayMillis = 300;
  private long delivered;
  private long lost;
  private long duplicated;
  private long outOfOrder;
  private long resyncs;
  private long connections;
  private boolean readingPaused;
  private final io.vertx.core.Promise<Void> firstOpen = io.vertx.core.Promise.promise();
  private long dropAtSeq = -1;
  private io.vertx.core.json.JsonArray queries;

  Subscriber(Vertx vertx, List<Integer> ports, String token, String space, int firstPort) {
    this.vertx = vertx;
    this.sockets = vertx.createWebSocketClient();
    this.http = vertx.createHttpClient();
    this.ports = ports;
    this.token = token;
    this.space = space;
    this.attempt = firstPort;
  }

  /** Subscribes through partial-sync queries instead of the whole space. */
  synchronized Subscriber withQueries(io.vertx.core.json.JsonArray queries) {
    this.queries = queries;
    return this;
  }

  /** Connects (retrying, as a phone does) and subscribes; completes when the first socket is open. */
  synchronized Future<Void> start() {
    connect();
    return firstOpen.future();
  }

  synchronized long cursor() {
    return cursor;
  }

  synchronized long delivered() {
    return delivered;
  }

  synchronized long lost() {
    return lost;
  }

  synchronized long duplicated() {
    return duplicated;
  }

  synchronized long outOfOrder() {
    return outOfOrder;
  }

  synchronized long resyncs() {
    return resyncs;
  }

  /** Sockets opened so far; more than one means it reconnected. */
  synchronized long connections() {
    return connections;
  }

  synchronized Map<String, JsonObject> documents() {
    return new HashMap<>(documents);
  }

  /** Drops the socket as a network blip does; reconnects within {@code withinMillis}. */
  synchronized void blip(long withinMillis) {
    maxReconnectDelayMillis = withinMillis;
    if (socket != null) {
      socket.close();
    }
  }

  /** Stops reading from the socket (TCP backpressure builds up on the server), or reads again. */
  synchronized void pauseReading(boolean paused) {
    readingPaused = paused;
    if (socket != null) {
      if (paused) {
        socket.pause();
      } else {
        socket.resume();
      }
    }
  }

  /** Closes its own socket once it has applied this seq (a phone losing the network mid catch-up). */
  synchronized void dropAt(long seq) {
    dropAtSeq = seq;
  }

  synchronized void stop() {
    stopped = true;
    if (socket != null) {
      socket.close();
    }
  }

  private Future<WebSocket> connect() {
    int port = ports.get(Math.floorMod(attempt++, ports.size()));
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
        .setURI("/v1/sync").addHeader("Authorization", "Bearer " + token).setTimeout(20_000);
    return sockets.connect(options)
        .onSuccess(this::opened)
        .onFailure(err -> reconnectLater());
  }

  private synchronized void opened(WebSocket ws) {
    if (stopped) {
      ws.close();
      return;
    }
    socket = ws;
    connections++;
    firstOpen.tryComplete();
    ws.textMessageHandler(text -> onFrame(new JsonObject(text)));
    ws.closeHandler(v -> closed(ws));
    if (readingPaused) {
      ws.pause();
    }
    subscribe(ws);
  }

  private synchronized void subscribe(WebSocket ws) {
    JsonObject frame = new JsonObject().put("type", "subscribe").put("id", "s").put("space", space).put("since", cursor);
    if (epoch != null) {
      frame.put("epoch", epoch);
    }
    if (queries != null) {
      frame.put("queries", queries);
    }
    ws.writeTextMessage(frame.encode());
  }

  private synchronized void closed(WebSocket ws) {
    if (socket == ws) {
      socket = null;
    }
    reconnectLater();
  }

  private synchronized void reconnectLater() {
    if (stopped) {
      return;
    }
    long delay = 1 + ThreadLocalRandom.current().nextLong(Math.max(1, maxReconnectDelayMillis));
    vertx.setTimer(delay, id -> {
      synchronized (this) {
        if (!stopped && socket == null) {
          connect();
        }
      }
    });
  }

  private static final java.util.concurrent.atomic.AtomicInteger ERRORS_SHOWN = new java.util.concurrent.atomic.AtomicInteger();

  private synchronized void onFrame(JsonObject frame) {
    switch (frame.getString("type", "")) {
      case "change" -> onChange(frame);
      case "synced" -> epoch = frame.getString("epoch");
      case "cursor" -> cursor = Math.max(cursor, frame.getLong("seq"));
      // As the shipped clients do: a subscribe the server could not serve now (its pool or Redis busy
      // in a storm) is asked again a little later, on the same socket.
      case "error" -> {
        if (ERRORS_SHOWN.getAndIncrement() < 5) {
          System.out.println("FAULT-DETAIL a subscriber got " + frame.encode());
        }
        if ("s".equals(frame.getString("id")) && ("unavailable".equals(frame.getString("code"))
            || "rate_limited".equals(frame.getString("code")))) {
          WebSocket ws = socket;
          vertx.setTimer(500 + ThreadLocalRandom.current().nextLong(1000), id -> {
            synchronized (this) {
              if (!stopped && socket == ws && ws != null) {
                subscribe(ws);
              }
            }
          });
        }
      }
      case "resync_required" -> {
        resyncs++;
        reload();
      }
      default -> { }
    }
  }

  private void onChange(JsonObject change) {
    long seq = change.getLong("seq");
    delivered++;
    if (seq < lastSeen) {
      outOfOrder++;
    }
    lastSeen = seq;
    if (seq <= cursor) {
      duplicated++;
      return;
    }
    if (seq > cursor + 1) {
      lost += seq - cursor - 1;
    }
    cursor = seq;
    if (seq == dropAtSeq && socket != null) {
      socket.close();
    }
    String key = change.getString("collection") + "/" + change.getString("id");
    if (change.getBoolean("deleted", false)) {
      documents.remove(key);
    } else {
      documents.put(key, change.getJsonObject("data"));
    }
  }

  /** The documented recovery: reload the space over REST, then subscribe from the listing's cursor. */
  private void reload() {
    int port = ports.get(Math.floorMod(attempt, ports.size()));
    RequestOptions get = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port)
        .setURI("/v1/spaces/" + space + "/documents?limit=1000").putHeader("Authorization", "Bearer " + token);
    http.request(get).compose(req -> req.send()).compose(resp -> resp.body())
        .onSuccess(body -> {
          synchronized (this) {
            JsonObject listing = body.toJsonObject();
            documents.clear();
            listing.getJsonArray("documents").forEach(d -> {
              JsonObject doc = (JsonObject) d;
              documents.put(doc.getString("collection") + "/" + doc.getString("id"), doc.getJsonObject("data"));
            });
            cursor = listing.getLong("cursor");
            lastSeen = cursor;
            epoch = listing.getString("epoch");
            if (socket != null) {
              subscribe(socket);
            }
          }
        })
        .onFailure(err -> {
          synchronized (this) {
            if (socket != null) {
              socket.close();
            }
          }
        });
  }
}
