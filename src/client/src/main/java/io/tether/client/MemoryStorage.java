package io.tether.client;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/** Storage that forgets when the process ends: for tests, and for apps that want no copy on the device. */
public final class MemoryStorage implements TetherStorage {
  private final Map<String, String> values = new ConcurrentHashMap<>();

  @Override
  public @Nullable String read(String key) {
    return values.get(key);
  }

  @Override
  public void write(String key, String value) {
    values.put(key, value);
  }

  @Override
  public void remove(String key) {
    values.remove(key);
  }

  /** The keys held, for tests that check what is kept. */
  public java.util.Set<String> keys() {
    return java.util.Set.copyOf(values.keySet());
  }
}
