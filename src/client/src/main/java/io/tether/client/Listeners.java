package io.tether.client;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/** Listeners of one kind, told on the app's executor; a failing listener is logged to stderr and keeps the others. */
final class Listeners<T> {
  private final List<Consumer<T>> listeners = new CopyOnWriteArrayList<>();
  private final Executor executor;

  Listeners(Executor executor) {
    this.executor = executor;
  }

  Registration add(Consumer<T> listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  boolean isEmpty() {
    return listeners.isEmpty();
  }

  void emit(T event) {
    for (Consumer<T> listener : listeners) {
      executor.execute(() -> {
        try {
          listener.accept(event);
        } catch (RuntimeException e) {
          System.err.println("tether: a listener failed: " + e);
        }
      });
    }
  }
}
