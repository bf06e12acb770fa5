package io.tether.push;

import io.tether.limits.ConnectionCounter;
import io.vertx.core.Future;
import java.util.Collection;
import java.util.Set;
import java.util.stream.Collectors;

/** One node: its own socket counts are the whole truth. */
public final class LocalOnlineUsers implements OnlineUsers {
  private final ConnectionCounter connections;

  public LocalOnlineUsers(ConnectionCounter connections) {
    this.connections = connections;
  }

  @Override
  public Future<Set<String>> online(Collection<String> userIds) {
    return Future.succeededFuture(userIds.stream().filter(connections::isOpen).collect(Collectors.toSet()));
  }

  @Override
  public void close() {
  }
}
