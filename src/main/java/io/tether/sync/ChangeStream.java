package io.tether.sync;

/**
 * One protocol's running subscription to a space's changes (see {@link ChangeStreams#open}): every
 * change after its cursor, exactly once and in order, written to its {@link Transport}. Confined to
 * the event loop that opened it.
 */
public interface ChangeStream {

  /** Starts catching up from the cursor, then live; called once, after the owner holds the stream. */
  void start();

  /** Whether changes are flowing live now (not being caught up from the change log). */
  boolean live();

  /** The socket is about to close: a filtered stream tells the client how far it has got. */
  default void flushCursor() {
  }

  /** What the subscriber sees now: the rules (as of the last rules change it passed), viewer and filter. */
  io.tether.rules.Reading reading();

  /** The seq the client has been given everything up to. */
  long cursor();

  /** Stops delivering; stopping twice is harmless. */
  void stop();

  /** What the stream tells its owner. */
  @FunctionalInterface
  interface Observer {
    /** The server ended the stream (revoked membership, history compacted away, store unavailable). */
    void onEnded();

    /** The stream went live: after {@code synced}, and again after a socket that fell behind caught up. */
    default void onLive() {
    }
  }
}
