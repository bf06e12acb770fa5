package io.tether.presence;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One node's picture of who is in one space, built from the sockets' entries and kept current by the
 * bus's presence messages and by periodic comparison with the shared store (the bus may lose
 * messages, and a dead node sends none). Every change answers what it changed per user.
 *
 * <p>A socket that left is remembered for a while, so a late message or a store read that started
 * before it left cannot bring it back. Not thread-safe: confined to one event loop.
 */
public final class PresenceView {
  private final long forgetLeftAfterMillis;
  private final Map<String, Map<String, PresenceEntry>> byUser = new LinkedHashMap<>();
  private final Map<String, PresenceEntry> byConnection = new HashMap<>();
  /** When each connection was last put, in {@link #tick} units, so a reconcile only drops what it could have seen. */
  private final Map<String, Long> putAtTick = new HashMap<>();
  private final Map<String, Long> left = new HashMap<>();
  private long tick;

  public PresenceView(long forgetLeftAfterMillis) {
    this.forgetLeftAfterMillis = forgetLeftAfterMillis;
  }

  /** A socket joined or set its state. */
  public PresenceDiff put(PresenceEntry entry) {
    if (left.containsKey(entry.connection())) {
      return PresenceDiff.NONE;
    }
    PresenceEntry known = byConnection.get(entry.connection());
    if (known != null && known.rev() >= entry.rev()) {
      return PresenceDiff.NONE;
    }
    Member before = member(entry.userId());
    byConnection.put(entry.connection(), entry);
    byUser.computeIfAbsent(entry.userId(), u -> new LinkedHashMap<>()).put(entry.connection(), entry);
    putAtTick.put(entry.connection(), ++tick);
    Map<String, Member> was = new HashMap<>();
    was.put(entry.userId(), before);
    return diff(List.of(entry.userId()), was);
  }

  /** A socket left (unsubscribed, closed, or its node stopped vouching for it). */
  public PresenceDiff leave(String connection, long nowMillis) {
    left.put(connection, nowMillis);
    PresenceEntry known = byConnection.get(connection);
    if (known == null) {
      return PresenceDiff.NONE;
    }
    Map<String, Member> before = new HashMap<>();
    before.put(known.userId(), member(known.userId()));
    removeQuietly(known);
    return diff(List.of(known.userId()), before);
  }

  /** Stamp to take just before reading the store; pass it to {@link #reconcile}. */
  public long tick() {
    return tick;
  }

  /**
   * Makes the view match the store's live entries, read after {@code readTick}: adds what it missed,
   * drops what the store no longer has, unless it was put after the read began.
   */
  public PresenceDiff reconcile(Collection<PresenceEntry> live, long readTick, long nowMillis) {
    left.values().removeIf(at -> nowMillis - at > forgetLeftAfterMillis);
    Set<String> affected = new java.util.LinkedHashSet<>();
    Map<String, Member> before = new HashMap<>();
    Set<String> liveConnections = new HashSet<>();
    for (PresenceEntry entry : live) {
      liveConnections.add(entry.connection());
    }
    for (PresenceEntry known : new ArrayList<>(byConnection.values())) {
      if (!liveConnections.contains(known.connection()) && putAtTick.getOrDefault(known.connection(), 0L) <= readTick) {
        remember(before, known.userId());
        affected.add(known.userId());
        removeQuietly(known);
      }
    }
    for (PresenceEntry entry : live) {
      PresenceEntry known = byConnection.get(entry.connection());
      if (left.containsKey(entry.connection()) || known != null && known.rev() >= entry.rev()) {
        continue;
      }
      remember(before, entry.userId());
      affected.add(entry.userId());
      byConnection.put(entry.connection(), entry);
      byUser.computeIfAbsent(entry.userId(), u -> new LinkedHashMap<>()).put(entry.connection(), entry);
      putAtTick.put(entry.connection(), ++tick);
    }
    return diff(new ArrayList<>(affected), before);
  }

  /** Everyone here now, in order of arrival. */
  public List<Member> members() {
    List<Member> members = new ArrayList<>(byUser.size());
    for (String userId : byUser.keySet()) {
      members.add(member(userId));
    }
    return members;
  }

  /** The members of a set of entries (what the REST endpoint shows). */
  public static List<Member> membersOf(Collection<PresenceEntry> entries) {
    PresenceView view = new PresenceView(0);
    entries.forEach(view::put);
    return view.members();
  }

  private void remember(Map<String, Member> before, String userId) {
    if (!before.containsKey(userId)) {
      before.put(userId, member(userId));
    }
  }

  private void removeQuietly(PresenceEntry known) {
    byConnection.remove(known.connection());
    putAtTick.remove(known.connection());
    Map<String, PresenceEntry> sockets = byUser.get(known.userId());
    sockets.remove(known.connection());
    if (sockets.isEmpty()) {
      byUser.remove(known.userId());
    }
  }

  private PresenceDiff diff(Collection<String> users, Map<String, Member> before) {
    List<Member> joins = new ArrayList<>();
    List<String> leaves = new ArrayList<>();
    List<Member> updates = new ArrayList<>();
    for (String userId : users) {
      Member was = before.get(userId);
      Member now = member(userId);
      if (was == null && now != null) {
        joins.add(now);
      } else if (was != null && now == null) {
        leaves.add(userId);
      } else if (was != null && !Objects.equals(was, now)) {
        updates.add(now);
      }
    }
    return joins.isEmpty() && leaves.isEmpty() && updates.isEmpty() ? PresenceDiff.NONE
        : new PresenceDiff(joins, leaves, updates);
  }

  private Member member(String userId) {
    Map<String, PresenceEntry> sockets = byUser.get(userId);
    return sockets == null || sockets.isEmpty() ? null : summarize(userId, sockets.values());
  }

  /** The user's state is the one set most recently on any of their sockets. */
  private static Member summarize(String userId, Collection<PresenceEntry> sockets) {
    PresenceEntry latest = null;
    for (PresenceEntry e : sockets) {
      if (latest == null || e.setAtMillis() > latest.setAtMillis()
          || e.setAtMillis() == latest.setAtMillis() && e.connection().compareTo(latest.connection()) > 0) {
        latest = e;
      }
    }
    String name = latest.displayName();
    for (PresenceEntry e : sockets) {
      name = name != null ? name : e.displayName();
    }
    return new Member(userId, sockets.size(), latest.state(), name);
  }
}
