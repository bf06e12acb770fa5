package io.tether.limits;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Open sockets per user on this node, so one user cannot hold the node's file descriptors. */
public final class ConnectionCounter {
  private final Map<String, Integer> open = new ConcurrentHashMap<>();
  private final int maxPerUser;
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();

  /** Told when a user's first socket on this node opens and when the last one closes. */
  public interface Listener {
    void online(String userId);

    void offline(String userId);
  }

  public ConnectionCounter(int maxPerUser) {
    this.maxPerUser = maxPerUser;
  }

  /** Counts a new socket of the user, or returns false (counting nothing) when the user is at the limit. */
  public boolean tryOpen(String userId) {
    boolean[] admitted = new boolean[1];
    boolean[] first = new boolean[1];
    open.compute(userId, (user, count) -> {
      int current = count == null ? 0 : count;
      admitted[0] = current < maxPerUser;
      first[0] = admitted[0] && current == 0;
      return admitted[0] ? current + 1 : count;
    });
    if (first[0]) {
      listeners.forEach(l -> l.online(userId));
    }
    return admitted[0];
  }

  public void close(String userId) {
    boolean[] last = new boolean[1];
    open.computeIfPresent(userId, (user, count) -> {
      last[0] = count <= 1;
      return last[0] ? null : count - 1;
    });
    if (last[0]) {
      listeners.forEach(l -> l.offline(userId));
    }
  }

  public boolean isOpen(String userId) {
    return open.containsKey(userId);
  }

  /** The users with a socket on this node now. */
  public Set<String> users() {
    return Set.copyOf(open.keySet());
  }

  public void listen(Listener listener) {
    listeners.add(listener);
  }
}
