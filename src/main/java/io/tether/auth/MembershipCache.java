package io.tether.auth;

import io.tether.bus.BusListener;
import io.tether.core.ChangeFrame;
import io.tether.core.Role;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Roles by (space, user), cached per node so reads a phone repeats cost no query. Every membership
 * change invalidates its entry on every node through the bus; while the bus is disconnected (changes
 * could be missed) the cache is bypassed and emptied; entries also expire after a TTL as a last guard.
 * Bounded: past {@code maxEntries} it starts over. Thread-safe.
 */
public final class MembershipCache implements BusListener {
  private record Entry(Optional<Role> role, long expiresAtNanos) {}

  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private final long ttlNanos;
  private final int maxEntries;
  private final BooleanSupplier busConnected;
  private final AtomicLong hits = new AtomicLong();
  /** Bumped by every invalidation: a lookup that raced one is not stored. */
  private final AtomicLong generation = new AtomicLong();
  private final AtomicLong misses = new AtomicLong();

  public MembershipCache(long ttlMillis, int maxEntries, BooleanSupplier busConnected) {
    this.ttlNanos = ttlMillis * 1_000_000;
    this.maxEntries = maxEntries;
    this.busConnected = busConnected;
  }

  /** The cached role, or null when the database must be asked. */
  Optional<Role> get(String space, String userId) {
    if (!busConnected.getAsBoolean()) {
      entries.clear();
      misses.incrementAndGet();
      return null;
    }
    Entry entry = entries.get(key(space, userId));
    if (entry == null || entry.expiresAtNanos() < System.nanoTime()) {
      misses.incrementAndGet();
      return null;
    }
    hits.incrementAndGet();
    return entry.role();
  }

  long generation() {
    return generation.get();
  }

  /** Stores a role read from the database, unless a membership changed since {@code readAt} began. */
  void put(String space, String userId, Optional<Role> role, long readAt) {
    if (generation.get() != readAt || !busConnected.getAsBoolean()) {
      return;
    }
    if (entries.size() >= maxEntries) {
      entries.clear();
    }
    entries.put(key(space, userId), new Entry(role, System.nanoTime() + ttlNanos));
  }

  public void invalidate(String space, String userId) {
    generation.incrementAndGet();
    entries.remove(key(space, userId));
  }

  public long hits() {
    return hits.get();
  }

  public long misses() {
    return misses.get();
  }

  @Override
  public void onMembershipChanged(String space, String userId) {
    invalidate(space, userId);
  }

  @Override
  public void onGapPossible() {
    generation.incrementAndGet();
    entries.clear(); // invalidations may have been lost while the bus was away
  }

  @Override
  public void onChange(ChangeFrame frame) {
    // not a space feed
  }

  @Override
  public void onRevoked(String userId) {
    // revocations concern live subscriptions; membership changes come as onMembershipChanged
  }

  @Override
  public void onSpaceDeleted(String space) {
    forgetSpace(space);
  }

  /** Drops every entry of the space (deleted: a later space of the name has other members). */
  public void forgetSpace(String space) {
    generation.incrementAndGet();
    String prefix = space + '\u0000';
    entries.keySet().removeIf(k -> k.startsWith(prefix));
  }

  private static String key(String space, String userId) {
    return space + '\u0000' + userId;
  }
}
