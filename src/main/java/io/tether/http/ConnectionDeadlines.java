package io.tether.http;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.Map;

/**
 * Deadlines of one event loop's HTTP connections, so a client cannot hold one open by being slow
 * (slowloris): a new connection must deliver its first request's headers within {@code headerMillis},
 * each request must be answered within {@code requestMillis} of its headers (which bounds a body
 * trickled byte by byte), and a kept-alive connection must start its next request within
 * {@code keepAliveMillis} of the previous response (longer than clients' pool timeouts, so a
 * client never reuses a connection the server is closing). A WebSocket upgrade leaves these deadlines: the socket protocols have their own (auth
 * timeout, pings, idle timeout). Vert.x's idle timeout is not enough: one byte every few seconds
 * keeps a connection "active" for ever. The server must not offer h2c: Vert.x then creates the
 * connection (and calls the connection handler) only once the first request's headers are in, too
 * late for their deadline. Touched only on the verticle's event loop.
 */
final class ConnectionDeadlines {
  private final Vertx vertx;
  private final long headerMillis;
  private final long requestMillis;
  private final long keepAliveMillis;
  private final Map<HttpConnection, Long> timers = new HashMap<>();

  ConnectionDeadlines(Vertx vertx, long headerMillis, long requestMillis, long keepAliveMillis) {
    this.vertx = vertx;
    this.headerMillis = headerMillis;
    this.requestMillis = requestMillis;
    this.keepAliveMillis = keepAliveMillis;
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
          arm(connection, keepAliveMillis);
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
