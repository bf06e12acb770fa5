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
  private static final String AFTER = "SELECT " + Rows.CHANGE_COLUMNS
      + " FROM changes WHERE space_id = $1 AND seq > $2 ORDER BY seq LIMIT $3";
  private static final String FRAMES_AFTER = """
      SELECT seq, collection, doc_id, op, version, data::text, deleted, mutation_id, actor, ts
      FROM changes WHERE space_id = $1 AND seq > $2 ORDER BY seq LIMIT $3""";
  private static final String HEADS = "SELECT id, seq FROM spaces WHERE id = ANY($1)";

  private final Pool pool;

  public PgChangeLog(Pool pool) {
    this.pool = pool;
  }

  @Override
  public Future<List<Change>> readAfter(String space, long since, int limit) {
    return pool.preparedQuery(AFTER).execute(Tuple.of(space, since, limit)).map(rows -> {
      List<Change> changes = new ArrayList<>(rows.size());
      for (Row row : rows) {
        changes.add(Rows.change(space, row));
      }
      return changes;
    });
  }

  @Override
  public Future<List<ChangeFrame>> readFramesAfter(String space, long since, int limit) {
    return pool.preparedQuery(FRAMES_AFTER).execute(Tuple.of(space, since, limit)).map(rows -> {
      List<ChangeFrame> frames = new ArrayList<>(rows.size());
      for (Row row : rows) {
        Instant ts = row.getOffsetDateTime(9).toInstant();
        String frame = Change.frame(space, row.getLong(0), row.getString(1), row.getString(2), row.getString(3),
            row.getLong(4), row.getString(5), row.getBoolean(6), row.getString(7), row.getString(8), Change.TS.format(ts));
        frames.add(ChangeFrame.of(space, row.getLong(0), frame, ts.toEpochMilli()));
      }
      return frames;
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
