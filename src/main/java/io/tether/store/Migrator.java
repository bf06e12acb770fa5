package io.tether.store;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the versioned schema migrations in {@code db/migration} at start. Safe when several nodes
 * start at once: a session advisory lock lets one node migrate while the others wait, then find
 * nothing left to do. Each migration runs in its own transaction with its bookkeeping row.
 */
public final class Migrator {
  private static final Logger LOG = LoggerFactory.getLogger(Migrator.class);

  /** Arbitrary, fixed: the advisory lock key every Tether node agrees on. */
  private static final long LOCK_KEY = 0x7e7e_5e5e_0001L;

  /** In order. A migration is never edited once released: add a new one. */
  static final List<String> MIGRATIONS = List.of("V1__core.sql", "V2__mutations_and_retention.sql",
      "V3__refresh_tokens.sql", "V4__hot_space_rows.sql", "V5__jobs_webhooks_devices.sql",
      "V6__push.sql", "V7__webhook_devices.sql", "V8__generated_signing_key.sql", "V9__change_before.sql", "V10__rules.sql",
      "V11__profiles_and_activity.sql", "V12__invites.sql",
      "V13__session_labels.sql",
      "V14__space_names.sql", "V15__email_codes.sql",
      "V16__identities.sql", "V17__service_keys.sql");

  private final Pool pool;
  private final Map<String, String> scripts = new LinkedHashMap<>();

  /** Reads the scripts now, on the caller's thread, so no event loop touches the class path later. */
  public Migrator(Pool pool) {
    this.pool = pool;
    for (String name : MIGRATIONS) {
      scripts.put(name, read("db/migration/" + name));
    }
  }

  /** Completes with the number of migrations this call applied. */
  public Future<Integer> migrate() {
    return pool.withConnection(conn -> conn.preparedQuery("SELECT pg_advisory_lock($1)").execute(Tuple.of(LOCK_KEY))
        .compose(locked -> applyPending(conn))
        .eventually(() -> conn.preparedQuery("SELECT pg_advisory_unlock($1)").execute(Tuple.of(LOCK_KEY))));
  }

  private Future<Integer> applyPending(SqlConnection conn) {
    return conn.query("SELECT to_regclass('schema_migrations') IS NOT NULL").execute()
        .compose(exists -> exists.iterator().next().getBoolean(0)
            ? Future.succeededFuture()
            : conn.query("""
                CREATE TABLE schema_migrations (
                  version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())""")
                .execute())
        .compose(created -> conn.query("SELECT version FROM schema_migrations").execute())
        .compose(rows -> {
          Set<Integer> applied = new HashSet<>();
          for (Row row : rows) {
            applied.add(row.getInteger(0));
          }
          Future<Integer> chain = Future.succeededFuture(0);
          for (String name : MIGRATIONS) {
            int version = versionOf(name);
            if (!applied.contains(version)) {
              chain = chain.compose(count -> apply(conn, version, name).map(count + 1));
            }
          }
          return chain;
        });
  }

  private Future<Void> apply(SqlConnection conn, int version, String name) {
    String sql = scripts.get(name);
    return conn.begin().compose(tx -> conn.query(sql).execute()
        .compose(done -> conn.preparedQuery("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)")
            .execute(Tuple.of(version, name)))
        .compose(done -> tx.commit())
        .onSuccess(done -> LOG.info("Applied migration {}", name))
        .onFailure(err -> tx.rollback()));
  }

  /** The highest version this build knows; readiness compares it with the database. */
  public static int latestVersion() {
    return versionOf(MIGRATIONS.get(MIGRATIONS.size() - 1));
  }

  static int versionOf(String name) {
    return Integer.parseInt(name.substring(1, name.indexOf("__")));
  }

  private static String read(String resource) {
    try (InputStream in = Migrator.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing migration resource " + resource);
      }
      return Buffer.buffer(in.readAllBytes()).toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
