package io.tether.client;

import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * Where the client keeps its session, each space's saved copy with its cursor, and each queue of
 * writes. Keys are short ASCII strings; values are JSON text.
 *
 * <p>The contract the queue relies on: when {@link #write} returns, the value survives the process
 * being killed and the device losing power, and a reader sees either the old value or the new one,
 * never a mix. {@link FileStorage} is the JVM's; on Android, one SQLite table of (key, value) with
 * {@code INSERT OR REPLACE} does it (see the client's documentation). Called from the client's
 * own thread, never from an app's main thread.
 */
public interface TetherStorage {
  @Nullable String read(String key) throws IOException;

  void write(String key, String value) throws IOException;

  void remove(String key) throws IOException;
}
