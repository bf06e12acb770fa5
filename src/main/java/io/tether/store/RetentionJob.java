package io.tether.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * Compacts the change log: per space, keeps at most {@code maxCount} changes and none older than
 * {@code maxAgeHours} (0 disables either rule), and forgets idempotency records older than
 * {@code mutationMaxAgeHours}. A space's {@code compacted_seq} moves in the same transaction as its
 * delete, so readers see either the old history or the new horizon, never a silent hole. One node
 * at a time: the run holds a PostgreSQL advisory lock, and a node that cannot take it skips its turn.
 */
public final class RetentionJob {
  private static final long LOCK_KEY = 0x7e7e_5e5e_0002L;
  private static final int PAGE = 500;
  private static final int DELETE_BATCH = 10_000;

  private static final String HORIZONS = """
      WITH page AS (SELECT id, seq, compacted_seq FROM spaces WHERE id > $1 ORDER BY id LIMIT $2)
      SELECT id, compacted_seq, GREATEST(
          CASE WHEN $3 > 0 THEN seq - $3 ELSE 0 END,
          CASE WHEN $4 > 0 THEN COALESCE((SELECT max(c.seq) FROM changes c
               WHERE c.space_id = page.id AND c.ts < now() - make_interval(hours => $4::int)), 0) ELSE 0 END) AS horizon
      FROM page ORDER BY id""";
  private static final String MOVE_HORIZON = "UPDATE spaces SET compacted_seq = $2 WHERE id = $1 AND compacted_seq < $2";
  private static final String DELETE_CHANGES = "DELETE FROM changes WHERE space_id = $1 AND seq <= $2";
  // Codes sent by email are kept past their use until they expire (a reuse is told so); then they go.
  private static final String FORGET_EMAIL_CODES = "DELETE FROM email_codes WHERE expires_at < now() - interval '1 day'";
  private static final String FORGET_MUTATIONS = """
      DELETE FROM mutations WHERE ctid IN (
        SELECT ctid FROM mutations WHERE created_at < now() - make_interval(hours => $1::int) LIMIT $2)""";

  /** What one run did; {@code ran} is false when another node held the lock. */
  public record Stats(boolean ran, int spacesCompacted, long changesDeleted, long mutationsForgotten) {}

  private final Pool pool;
  private final long maxCount;
  private final int maxAgeHours;
  private final int mutationMaxAgeHours;

  public RetentionJob(Pool pool, long maxCount, int maxAgeHours, int mutationMaxAgeHours) {
    this.pool = pool;
    this.maxCount = maxCount;
    this.maxAgeHours = maxAgeHours;
    this.mutationMaxAgeHours = mutationMaxAgeHours;
  }

  public Future<Stats> runOnce() {
    return pool.withConnection(conn -> conn.preparedQuery("SELECT pg_try_advisory_lock($1)").execute(Tuple.of(LOCK_KEY))
        .compose(rows -> !rows.iterator().next().getBoolean(0)
            ? Future.succeededFuture(new Stats(false, 0, 0, 0))
            : compactFrom(conn, "", new Stats(true, 0, 0, 0))
                .compose(stats -> forgetMutations(conn, stats))
                .compose(stats -> conn.preparedQuery(FORGET_EMAIL_CODES).execute().map(stats))
                .eventually(() -> conn.preparedQuery("SELECT pg_advisory_unlock($1)").execute(Tuple.of(LOCK_KEY)))));
  }

  private Future<Stats> compactFrom(SqlConnection conn, String afterSpace, Stats stats) {
    if (maxCount <= 0 && maxAgeHours <= 0) {
      return Future.succeededFuture(stats);
    }
    return conn.preparedQuery(HORIZONS).execute(Tuple.of(afterSpace, PAGE, maxCount, maxAgeHours)).compose(rows -> {
      List<Row> page = new ArrayList<>();
      rows.forEach(page::add);
      Future<Stats> chain = Future.succeededFuture(stats);
      for (Row row : page) {
        String space = row.getString(0);
        long compacted = row.getLong(1);
        long horizon = row.getLong(2);
        if (horizon > compacted) {
          chain = chain.compose(s -> compactSpace(conn, space, horizon).map(deleted ->
              new Stats(true, s.spacesCompacted() + 1, s.changesDeleted() + deleted, s.mutationsForgotten())));
        }
      }
      if (page.size() < PAGE) {
        return chain;
      }
      String last = page.get(page.size() - 1).getString(0);
      return chain.compose(s -> compactFrom(conn, last, s));
    });
  }

  private Future<Long> compactSpace(SqlConnection conn, String space, long horizon) {
    return conn.begin().compose(tx -> conn.preparedQuery(MOVE_HORIZON).execute(Tuple.of(space, horizon))
        .compose(moved -> conn.preparedQuery(DELETE_CHANGES).execute(Tuple.of(space, horizon)))
        .compose(deleted -> tx.commit().map((long) deleted.rowCount()))
        .recover(err -> tx.rollback().transform(ignored -> Future.failedFuture(err))));
  }

  private Future<Stats> forgetMutations(SqlConnection conn, Stats stats) {
    if (mutationMaxAgeHours <= 0) {
      return Future.succeededFuture(stats);
    }
    return conn.preparedQuery(FORGET_MUTATIONS).execute(Tuple.of(mutationMaxAgeHours, DELETE_BATCH)).compose(rows -> {
      Stats next = new Stats(true, stats.spacesCompacted(), stats.changesDeleted(), stats.mutationsForgotten() + rows.rowCount());
      return rows.rowCount() == DELETE_BATCH ? forgetMutations(conn, next) : Future.succeededFuture(next);
    });
  }
}
