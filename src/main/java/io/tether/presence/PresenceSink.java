package io.tether.presence;

/** Where a seat writes its socket's presence frames; the socket protocol implements it. */
public interface PresenceSink {

  /** Whether the socket's subscription to the space is live (its change frames are not being caught up). */
  boolean live();

  /** Whether the socket's write queue is over its bound. */
  boolean queueFull();

  void send(String frame);
}
