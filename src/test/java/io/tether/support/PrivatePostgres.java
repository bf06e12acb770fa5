package io.tether.support;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A PostgreSQL of the test's own (the embedded one) on a spare port, which a test may stop and start
 * again on the same port and data directory, as an operator's restart would; never the machine's.
 */
public final class PrivatePostgres implements AutoCloseable {
  private final Path data;
  private final int port;
  private EmbeddedPostgres postgres;

  private PrivatePostgres(Path data, int port) {
    this.data = data;
    this.port = port;
  }

  public static PrivatePostgres start() {
    try {
      PrivatePostgres pg = new PrivatePostgres(Files.createTempDirectory("tether-private-pg-"), Ports.free());
      pg.restart();
      return pg;
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** The server's admin URL (database {@code postgres}); {@link TestDatabase#create} makes fresh databases on it. */
  public String serverUrl() {
    return "postgresql://postgres@127.0.0.1:" + port + "/postgres";
  }

  public void stop() {
    if (postgres != null) {
      try {
        postgres.close();
      } catch (IOException e) {
        throw new AssertionError(e);
      }
      postgres = null;
    }
  }

  public void restart() {
    stop();
    try {
      postgres = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).setPort(port).start();
    } catch (IOException e) {
      throw new AssertionError("embedded PostgreSQL did not start on port " + port, e);
    }
  }

  @Override
  public void close() {
    stop();
  }
}
