package io.tether.support;

import io.netty.handler.codec.http.websocketx.WebSocketHandshakeException;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketConnectOptions;

/**
 * WebSocket upgrades the server should refuse. The server closes the connection after its refusal;
 * now and then Vert.x's client sees the close before the response and reports only "Connection closed
 * while handshake in process" (seen in CI): such an attempt says nothing and is repeated.
 */
public final class RefusedUpgrades {
  private RefusedUpgrades() {}

  /** The refusal, with its status and body; fails the test if the upgrade was not refused with a response. */
  public static UpgradeRejectedException refusal(Vertx vertx, WebSocketConnectOptions options) {
    Throwable last = null;
    for (int attempt = 0; attempt < 5; attempt++) {
      last = Await.failure(vertx.createWebSocketClient().connect(options));
      if (last instanceof UpgradeRejectedException rejected) {
        return rejected;
      }
      if (!(last instanceof WebSocketHandshakeException)) {
        break;
      }
    }
    throw new AssertionError("the upgrade was not refused with a response", last);
  }
}
