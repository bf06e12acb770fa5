package io.tether.presence;

import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** One node: its entries in memory (they die with it, as its sockets do). */
public final class LocalPresenceStore implements PresenceStore {
  private final Map<String, Map<String, PresenceEntry>> bySpace = new ConcurrentHashMap<>();

  @Override
  public Future<Void> put(String space, PresenceEntry entry) {
    bySpace.computeIfAbsent(space, s -> new ConcurrentHashMap<>()).put(entry.connection(), entry);
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> remove(String space, String connection) {
    bySpace.computeIfPresent(space, (s, entries) -> {
      entries.remove(connection);
      return entries.isEmpty() ? null : entries;
    });
    return Future.succeededFuture();
  }

  @Override
  public Future<List<PresenceEntry>> list(String space) {
    Map<String, PresenceEntry> entries = bySpace.get(space);
    return Future.succeededFuture(entries == null ? List.of() : List.copyOf(entries.values()));
  }

  @Override
  public void close() {
    bySpace.clear();
  }
}
