package io.tether.presence;

import io.tether.store.ProfileStore;
import io.vertx.core.Future;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Users' display names as presence shows them, cached per node for a minute so a reconnect storm
 * into one space costs one profile lookup per user, not per socket. A name changed on this node is
 * seen at once; on another, within the minute. Bounded: past {@code maxEntries} (names are at most
 * 100 characters) it starts over. Thread-safe.
 */
public final class DisplayNames {
  private record Entry(Optional<String> name, long expiresAtNanos) {}

  private final ProfileStore profiles;
  private final long ttlNanos;
  private final int maxEntries;
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();

  public DisplayNames(ProfileStore profiles, long ttlMillis, int maxEntries) {
    this.profiles = profiles;
    this.ttlNanos = ttlMillis * 1_000_000;
    this.maxEntries = maxEntries;
  }

  /** The user's display name, or null if they set none. */
  public Future<String> of(String userId) {
    Entry known = entries.get(userId);
    if (known != null && known.expiresAtNanos() > System.nanoTime()) {
      return Future.succeededFuture(known.name().orElse(null));
    }
    return profiles.displayName(userId).map(name -> {
      if (entries.size() >= maxEntries) {
        entries.clear();
      }
      entries.put(userId, new Entry(Optional.ofNullable(name), System.nanoTime() + ttlNanos));
      return name;
    });
  }

  /** The user changed their name here. */
  public void forget(String userId) {
    entries.remove(userId);
  }
}
