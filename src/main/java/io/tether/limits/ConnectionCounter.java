package io.tether.limits;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Open sockets per user on this node, so one user cannot hold the node's file descriptors. */
public final class ConnectionCounter {
  private final Map<String, Integer> open = new ConcurrentHashMap<>();
  private final int maxPerUser;

  public ConnectionCounter(int maxPerUser) {
    this.maxPerUser = maxPerUser;
  }

  /** Counts a new socket of the user, or returns false (counting nothing) when the user is at the limit. */
  public boolean tryOpen(String userId) {
    boolean[] admitted = new boolean[1];
    open.compute(userId, (user, count) -> {
      int current = count == null ? 0 : count;
      admitted[0] = current < maxPerUser;
      return admitted[0] ? current + 1 : count;
    });
    return admitted[0];
  }

  public void close(String userId) {
    open.computeIfPresent(userId, (user, count) -> count <= 1 ? null : count - 1);
  }
}
