package io.tether.push;

import io.tether.limits.ConnectionCounter;

class LocalOnlineUsersTest extends OnlineUsersContract {
  @Override
  protected OnlineUsers create(ConnectionCounter connections) {
    return new LocalOnlineUsers(connections);
  }
}
