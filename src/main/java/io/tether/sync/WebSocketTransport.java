package io.tether.sync;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;
import java.util.ArrayList;
import java.util.List;

/** {@link Transport} over a Vert.x server WebSocket. */
final class WebSocketTransport implements Transport {
  private static final Buffer EMPTY = Buffer.buffer();

  private final ServerWebSocket socket;
  private List<Runnable> onDrain = new ArrayList<>();

  WebSocketTransport(ServerWebSocket socket, int writeQueueBytes) {
    this.socket = socket;
    socket.setWriteQueueMaxSize(writeQueueBytes);
    socket.drainHandler(v -> {
      List<Runnable> waiting = onDrain;
      onDrain = new ArrayList<>();
      waiting.forEach(Runnable::run);
    });
  }

  @Override
  public void send(String frame) {
    if (!socket.isClosed()) {
      socket.writeTextMessage(frame);
    }
  }

  @Override
  public void sendEncoded(byte[] utf8) {
    if (!socket.isClosed()) {
      // Vert.x's own frame type wraps the bytes without copying or re-encoding them; the public API
      // (writeTextMessage) would encode the same String again for every socket.
      socket.writeFrame(new WebSocketFrameImpl(WebSocketFrameType.TEXT, utf8, true));
    }
  }

  @Override
  public boolean writeQueueFull() {
    // Vert.x throws on a closed socket. A socket that closed under a live change is full for good:
    // nothing more is written to it, and its close handler ends its subscriptions.
    return socket.isClosed() || socket.writeQueueFull();
  }

  @Override
  public void whenDrained(Runnable action) {
    onDrain.add(action);
  }

  @Override
  public void ping() {
    if (!socket.isClosed()) {
      socket.writePing(EMPTY);
    }
  }

  @Override
  public void close(short code, String reason) {
    if (!socket.isClosed()) {
      socket.close(code, reason);
    }
  }
}
