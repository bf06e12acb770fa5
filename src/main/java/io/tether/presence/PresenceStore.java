package io.tether.presence;

import io.vertx.core.Future;
import java.util.List;

/**
 * Where every node keeps the presence entries of its sockets, so any node can say who is in a space.
 * In-process for one node; in Redis for many, where a node's entries expire unless it keeps renewing
 * them, so the sockets of a node that died disappear on their own. Safe to call from any thread.
 */
public interface PresenceStore {

  /** Adds or replaces one of this node's entries. */
  Future<Void> put(String space, PresenceEntry entry);

  /** Removes one of this node's entries. */
  Future<Void> remove(String space, String connection);

  /** The space's live entries, from every node. */
  Future<List<PresenceEntry>> list(String space);

  void close();
}
