package io.tether.push;

import io.vertx.core.Future;
import java.util.Collection;
import java.util.Set;

/**
 * Who has a live socket on any node, so pushes go only to members who would not see the change
 * otherwise. In-process for one node; through Redis for many.
 */
public interface OnlineUsers {

  /** Of these users, the ones with at least one live socket somewhere. */
  Future<Set<String>> online(Collection<String> userIds);

  void close();
}
