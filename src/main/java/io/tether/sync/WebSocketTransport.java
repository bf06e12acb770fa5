package io.tether.sync;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link Transport} over a Vert.x server WebSocket. Live changes stop at the soft bound
 * ({@code sync.writeQueueBytes}, see {@link #writeQueueFull}); replies (pongs, acks, errors) are
 * still written past it, up to the hard bound ({@code sync.maxWriteQueueBytes}): a client that keeps
 * sending frames and never reads the answers has its connection closed there, so its queue cannot
 * grow without end (no close frame: it could only wait behind the queue).
 */
final class WebSocketTransport implements Transport {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(WebSocketTransport.class);
  private static final Buffer EMPTY = Buffer.buffer();

  private final ServerWebSocket socket;
  private final HttpConnection connection;
  private final long overSoftBound;
  private boolean cutOff;
  private List<Runnable> onDrain = new ArrayList<>();
  // Bytes written while the queue was already over its soft bound; reset when it drains.
  private long writtenOverSoftBound;

  WebSocketTransport(ServerWebSocket socket, HttpConnection connection, int writeQueueBytes, int maxWriteQueueBytes) {
    this.socket = socket;
    this.connection = connection;
    this.overSoftBound = (long) maxWriteQueueBytes - writeQueueBytes;
    socket.setWriteQueueMaxSize(writeQueueBytes);
    socket.drainHandler(v -> {
      writtenOverSoftBound = 0;
      List<Runnable> waiting = onDrain;
      onDrain = new ArrayList<>();
      waiting.forEach(Runnable::run);
    });
  }

  @Override
  public void send(String frame) {
    if (!socket.isClosed() && admits(frame.length())) {
      socket.writeTextMessage(frame);
    }
  }

  /** False, and the socket closing, once what was written past the soft bound passes the hard one. */
  private boolean admits(long bytes) {
    if (cutOff) {
      return false;
    }
    if (!socket.writeQueueFull()) {
      return true;
    }
    writtenOverSoftBound += bytes;
    if (writtenOverSoftBound <= overSoftBound) {
      return true;
    }
    // A close frame would wait behind the full queue for ever (and the peer would never read it):
    // the TCP connection is closed under it. The socket's close handler ends its session as usual.
    cutOff = true;
    LOG.info("Closed a WebSocket whose client sends but does not read ({} bytes queued past the soft bound)",
        writtenOverSoftBound);
    connection.close();
    return false;
  }

  @Override
  public void sendEncoded(byte[] utf8) {
    if (!socket.isClosed() && admits(utf8.length)) {
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
