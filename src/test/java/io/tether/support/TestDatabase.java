package io.tether.support;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import java.util.UUID;

/**
 * A fresh database on the machine's PostgreSQL for one test class, dropped afterwards, so test
 * classes never see each other's rows. {@code TETHER_TEST_PG_URL} points at the server (default: the
 * local one on 5432).
 */
public final class TestDatabase implements AutoCloseable {
  public static final String SERVER_URL = System.getenv().getOrDefault("TETHER_TEST_PG_URL",
      "postgresql://postgres@127.0.0.1:5432/postgres");

  private final Vertx vertx;
  private final String serverUrl;
  private final String name;
  private Pool pool;

  private TestDatabase(Vertx vertx, String serverUrl, String name) {
    this.vertx = vertx;
    this.serverUrl = serverUrl;
    this.name = name;
  }

  public static TestDatabase create(Vertx vertx) {
    return create(vertx, SERVER_URL);
  }

  /** A fresh database on another server, such as a test's {@link PrivatePostgres}. */
  public static TestDatabase create(Vertx vertx, String serverUrl) {
    TestDatabase db = new TestDatabase(vertx, serverUrl,
        "tether_t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12));
    db.admin("CREATE DATABASE " + db.name);
    return db;
  }

  public String url() {
    PgConnectOptions server = PgConnectOptions.fromUri(serverUrl);
    String auth = server.getUser() + (server.getPassword() == null || server.getPassword().isEmpty() ? "" : ":" + server.getPassword());
    return "postgresql://" + auth + "@" + server.getHost() + ":" + server.getPort() + "/" + name;
  }

  /** A pool on this database, for tests that read what the server wrote. */
  public synchronized Pool pool() {
    if (pool == null) {
      pool = PgBuilder.pool().connectingTo(PgConnectOptions.fromUri(url())).using(vertx).build();
    }
    return pool;
  }

  @Override
  public void close() {
    if (pool != null) {
      Await.result(pool.close());
    }
    admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
  }

  private void admin(String sql) {
    Pool admin = PgBuilder.pool().connectingTo(PgConnectOptions.fromUri(serverUrl)).using(vertx).build();
    try {
      Await.result(admin.query(sql).execute());
    } finally {
      Await.result(admin.close());
    }
  }
}
