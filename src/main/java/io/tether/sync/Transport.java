package io.tether.sync;

/**
 * What a sync session needs from its socket. The WebSocket implements it; unit tests use a fake.
 * Called only on the socket's event loop.
 */
public interface Transport {

  /** Writes one text frame. */
  void send(String frame);

  /** Writes one text frame already encoded as UTF-8 (shared by many sockets; never modified). */
  default void sendEncoded(byte[] utf8) {
    send(new String(utf8, java.nio.charset.StandardCharsets.UTF_8));
  }

  /** Whether the socket's write queue is over its bound: the peer is not reading fast enough. */
  boolean writeQueueFull();

  /** Runs {@code action} once, when the write queue has drained below its bound. */
  void whenDrained(Runnable action);

  /** Sends a WebSocket ping control frame. */
  void ping();

  /** Closes the socket with a close code (see {@link CloseCodes}) and a short reason. */
  void close(short code, String reason);
}
