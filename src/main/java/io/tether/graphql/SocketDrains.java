package io.tether.graphql;

import io.vertx.core.http.ServerWebSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * One GraphQL socket's write queue, shared by its subscriptions: whether it is over its bound, and
 * who to tell when it drains (a socket has one drain handler; several subscriptions wait on it).
 */
final class SocketDrains {
  private final ServerWebSocket socket;
  private List<Runnable> waiting = new ArrayList<>();

  SocketDrains(ServerWebSocket socket, int writeQueueBytes) {
    this.socket = socket;
    socket.setWriteQueueMaxSize(writeQueueBytes);
    socket.drainHandler(v -> {
      List<Runnable> ready = waiting;
      waiting = new ArrayList<>();
      ready.forEach(Runnable::run);
    });
  }

  boolean full() {
    return socket.isClosed() || socket.writeQueueFull();
  }

  void whenDrained(Runnable action) {
    if (!waiting.contains(action)) {
      waiting.add(action);
    }
  }
}
