package io.tether.store;

import io.tether.core.ChangeFrame;
import io.tether.core.Change;
import java.time.Instant;
import io.tether.core.SpaceInfo;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@link ChangeLog} on the {@code changes} table. */
public final class PgChangeLog implements ChangeLog {
  // The running size (each change's data as JSON text, plus a frame's fixed part; stored sizes are
  // compressed and say little) is summed in seq order over at most $3 rows; rows that would start
  // past the budget ($4) are not sent. The row that crosses it is: a page always holds one change.
  private static final String BUDGETED = """
      SELECT * FROM (
        SELECT seq, collection, doc_id, op, version, payload, deleted, mutation_id, actor, ts,
               sum(coalesce(octet_length(%2$s), 0) + 200) OVER (ORDER BY seq ROWS UNBOUNDED PRECEDING) AS running,
               coalesce(octet_length(%2$s), 0) + 200 AS size, before
        FROM (SELECT seq, collection, doc_id, op, version, %1$s AS payload, deleted, mutation_id, actor, ts,
                     %3$s AS before
              FROM changes WHERE space_id = $1 AND seq > $2 ORDER BY seq LIMIT $3) bounded) page
      WHERE running - size < $4 ORDER BY seq""";
  private static final String AFTER = BUDGETED.formatted("data", "payload::text", "NULL::jsonb");
  private static final String AFTER_WITH_BEFORE = BUDGETED.formatted("data", "payload::text", "before_data");
  // Frames carry the data as text already: it is rendered once, and measured as it is.
  private static final String FRAMES_AFTER = BUDGETED.formatted("data::text", "payload", "NULL::text");
  private static final String FRAMES_AFTER_WITH_BEFORE = BUDGETED.formatted("data::text", "payload", "before_data::text");
  private static final int RUNNING = 10;
  private static final int BEFORE = 12;
  private static final String HEADS = "SELECT id, seq FROM spaces WHERE id = ANY($1)";

  private final Pool pool;
  private final long maxPageBytes;

  /** {@code maxPageBytes}: about how much data one page may carry ({@code limits.maxPageBytes}). */
  public PgChangeLog(Pool pool, long maxPageBytes) {
    this.pool = pool;
    this.maxPageBytes = maxPageBytes;
  }

  @Override
  public Future<Page<Change>> readAfter(String space, long since, int limit, boolean withBefore) {
    return read(withBefore ? AFTER_WITH_BEFORE : AFTER, space, since, limit, row -> Rows.change(space, row));
  }

  @Override
  public Future<Page<ChangeFrame>> readFramesAfter(String space, long since, int limit, boolean withBefore) {
    return read(withBefore ? FRAMES_AFTER_WITH_BEFORE : FRAMES_AFTER, space, since, limit, row -> {
      Instant ts = row.getOffsetDateTime(9).toInstant();
      String frame = Change.frame(space, row.getLong(0), row.getString(1), row.getString(2), row.getString(3),
          row.getLong(4), row.getString(5), row.getBoolean(6), row.getString(7), row.getString(8), Change.TS.format(ts));
      return ChangeFrame.of(space, row.getLong(0), frame, ts.toEpochMilli(), row.getString(BEFORE));
    });
  }

  /** One more row than asked tells whether more follow; a last row at the budget tells it too. */
  private <T> Future<Page<T>> read(String sql, String space, long since, int limit, java.util.function.Function<Row, T> map) {
    return pool.preparedQuery(sql).execute(Tuple.of(space, since, limit + 1, maxPageBytes)).map(rows -> {
      List<T> items = new ArrayList<>(Math.min(rows.size(), limit));
      long running = 0;
      for (Row row : rows) {
        if (items.size() == limit) {
          return new Page<>(items, true);
        }
        items.add(map.apply(row));
        running = row.getLong(RUNNING);
      }
      return new Page<>(items, running >= maxPageBytes);
    });
  }

  @Override
  public Future<Optional<SpaceInfo>> head(String space) {
    return SpaceStore.info(pool, space);
  }

  @Override
  public Future<Map<String, Long>> heads(Collection<String> spaces) {
    return pool.preparedQuery(HEADS).execute(Tuple.of(spaces.toArray(new String[0]))).map(rows -> {
      Map<String, Long> heads = new HashMap<>();
      for (Row row : rows) {
        heads.put(row.getString(0), row.getLong(1));
      }
      return heads;
    });
  }
}
