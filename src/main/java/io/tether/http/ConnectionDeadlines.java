package io.tether.http;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.Map;

/**
 * Deadlines of one event loop's HTTP connections, so a client cannot hold one open by being slow
 * (slowloris): a connection must deliver a request's headers within {@code headerMillis} of opening
 * or of its previous response's end (which also ends idle kept-alive connections), and each request
 * must be answered within {@code requestMillis} of its headers, which bounds a body trickled byte by
 * byte. A WebSocket upgrade leaves these deadlines: the socket protocols have their own (auth
 * timeout, pings, idle timeout). Vert.x's idle timeout is not enough: one byte every few seconds
 * keeps a connection "active" for ever. The server must not offer h2c: Vert.x then creates the
 * connection (and calls the connection handler) only once the first request's headers are in, too
 * late for their deadline. Touched only on the verticle's event loop.
 */
final class ConnectionDeadlines {
  private final Vertx vertx;
  private final long headerMillis;
  private final long requestMillis;
  private final Map<HttpConnection, Long> timers = new HashMap<>();

  ConnectionDeadlines(Vertx vertx, long headerMillis, long requestMillis) {
    this.vertx = vertx;
    this.headerMillis = headerMillis;
    this.requestMillis = requestMillis;
  }

  /** A new connection: its first request's headers are due. */
  void opened(HttpConnection connection) {
    arm(connection, headerMillis);
    connection.closeHandler(v -> cancel(connection));
  }

  /** The first handler of every request: its headers arrived; now the whole exchange is due. */
  void requestStarted(RoutingContext rc) {
    HttpConnection connection = rc.request().connection();
    String upgrade = rc.request().getHeader(HttpHeaders.UPGRADE);
    if (upgrade != null && upgrade.equalsIgnoreCase("websocket")) {
      cancel(connection);
    } else {
      arm(connection, requestMillis);
      rc.addEndHandler(ended -> {
        if (timers.containsKey(connection)) {
          arm(connection, headerMillis);
        }
      });
    }
    rc.next();
  }

  private void arm(HttpConnection connection, long millis) {
    Long previous = timers.put(connection, vertx.setTimer(millis, id -> {
      if (timers.remove(connection, id)) {
        connection.close();
      }
    }));
    if (previous != null) {
      vertx.cancelTimer(previous);
    }
  }

  private void cancel(HttpConnection connection) {
    Long timer = timers.remove(connection);
    if (timer != null) {
      vertx.cancelTimer(timer);
    }
  }

  /** Connections with a deadline running; for the admin page and tests. */
  int tracked() {
    return timers.size();
  }
}
