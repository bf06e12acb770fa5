package io.tether.client;

/** A listener's registration: {@link #remove()} unregisters it (a screen that goes away does). */
@FunctionalInterface
public interface Registration extends AutoCloseable {
  void remove();

  @Override
  default void close() {
    remove();
  }
}
