package io.tether.jobs;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * The durable job queue, in PostgreSQL. A claim leases jobs with {@code FOR UPDATE SKIP LOCKED} (so
 * nodes never take the same job) and counts the attempt; a job whose node dies mid-attempt is
 * claimed again when its lease ends. Jobs with the same ordering key are claimed one at a time, in
 * id order. Finishing and rescheduling are fenced by the attempt number, so a late answer from an
 * expired lease cannot overwrite a newer attempt.
 */
public final class JobQueue {
  /** One claimed attempt of a job. {@code attempt} counts from 1. */
  public record Job(long id, String kind, JsonObject payload, int attempt) {}

  // Runnable jobs take turns by space: each space's oldest first, then each space's second, and so
  // on, so a space with 10,000 queued deliveries does not hold back another space's one.
  private static final String CLAIM = """
      WITH ranked AS (
        SELECT j.id, row_number() OVER (PARTITION BY coalesce(j.payload->>'space', '') ORDER BY j.id) AS turn
        FROM jobs j
        WHERE ((j.state = 'pending' AND j.run_at <= now()) OR (j.state = 'running' AND j.locked_until < now()))
          AND (j.ordering_key IS NULL OR NOT EXISTS (
            SELECT 1 FROM jobs k WHERE k.ordering_key = j.ordering_key AND k.id < j.id AND k.state IN ('pending', 'running')))
      ), picked AS (
        SELECT j.id FROM jobs j JOIN ranked r ON r.id = j.id
        ORDER BY r.turn, j.id LIMIT $1 FOR UPDATE OF j SKIP LOCKED
      )
      UPDATE jobs SET state = 'running', attempts = attempts + 1, locked_until = now() + make_interval(secs => $2)
      WHERE id IN (SELECT id FROM picked)
      RETURNING id, kind, payload, attempts""";
  private static final String DONE = "DELETE FROM jobs WHERE id = $1 AND attempts = $2 AND state = 'running'";
  private static final String RETRY = """
      UPDATE jobs SET state = 'pending', run_at = now() + make_interval(secs => $3), locked_until = NULL, last_error = $4
      WHERE id = $1 AND attempts = $2 AND state = 'running'""";
  private static final String BURY = """
      UPDATE jobs SET state = 'dead', locked_until = NULL, last_error = $3
      WHERE id = $1 AND attempts = $2 AND state = 'running'""";

  private static final String ADD = "INSERT INTO jobs (kind, payload) VALUES ($1, $2)";
  private static final String ADD_ALL = "INSERT INTO jobs (kind, payload) SELECT $1, value FROM jsonb_array_elements($2::jsonb)";

  private final Pool pool;

  public JobQueue(Pool pool) {
    this.pool = pool;
  }

  /**
   * Queues jobs of one kind from the rows a SELECT picks, inside the caller's transaction (a write's,
   * so the jobs commit with it or not at all). The SELECT yields, in this order, {@code payload}
   * (jsonb), {@code ordering_key} (text or null), {@code run_at} (timestamptz, null for now) and
   * {@code dedupe_key} (text or null); a pending job with the same dedupe key takes the new payload
   * instead of a second job being queued, which is how pushes collapse.
   */
  public static Enqueue enqueueFrom(String kind, String select) {
    if (!kind.matches("[a-z][a-z-]*")) {
      throw new IllegalArgumentException("job kinds are lower-case words: " + kind);
    }
    return new Enqueue("""
        INSERT INTO jobs (kind, payload, ordering_key, run_at, dedupe_key)
        SELECT '%s', picked.payload, picked.ordering_key, coalesce(picked.run_at, now()), picked.dedupe_key
        FROM (%s) AS picked (payload, ordering_key, run_at, dedupe_key)
        ON CONFLICT (dedupe_key) WHERE state = 'pending' AND dedupe_key IS NOT NULL
        DO UPDATE SET payload = EXCLUDED.payload""".formatted(kind, select));
  }

  /** A prepared way to queue jobs from a SELECT; see {@link #enqueueFrom}. */
  public record Enqueue(String sql) {
    public Future<Void> in(SqlClient client, Tuple selectArguments) {
      return client.preparedQuery(sql).execute(selectArguments).mapEmpty();
    }
  }

  /** Queues one job, to run now. */
  public Future<Void> enqueue(String kind, JsonObject payload) {
    return pool.preparedQuery(ADD).execute(Tuple.of(kind, payload)).mapEmpty();
  }

  /** Queues one job per payload, to run now, in one statement. */
  public Future<Void> enqueueAll(String kind, JsonArray payloads) {
    return payloads.isEmpty() ? Future.succeededFuture()
        : pool.preparedQuery(ADD_ALL).execute(Tuple.of(kind, payloads)).mapEmpty();
  }

  public Future<List<Job>> claim(int max, int leaseSeconds) {
    return pool.preparedQuery(CLAIM).execute(Tuple.of((long) max, (double) leaseSeconds)).map(rows -> {
      List<Job> jobs = new ArrayList<>();
      for (Row row : rows) {
        jobs.add(new Job(row.getLong("id"), row.getString("kind"), (JsonObject) row.getValue("payload"), row.getInteger("attempts")));
      }
      jobs.sort((a, b) -> Long.compare(a.id(), b.id()));
      return jobs;
    });
  }

  public Future<Void> done(Job job) {
    return pool.preparedQuery(DONE).execute(Tuple.of(job.id(), job.attempt())).mapEmpty();
  }

  public Future<Void> retryLater(Job job, long delayMillis, String error) {
    return pool.preparedQuery(RETRY).execute(Tuple.of(job.id(), job.attempt(), delayMillis / 1000.0, truncate(error))).mapEmpty();
  }

  /** Dead-letter: no more attempts; kept for an operator. */
  public Future<Void> bury(Job job, String error) {
    return pool.preparedQuery(BURY).execute(Tuple.of(job.id(), job.attempt(), truncate(error))).mapEmpty();
  }

  /** Counts by state, and the newest dead jobs. */
  public Future<JsonObject> overview(int deadShown) {
    return pool.query("SELECT state, count(*) FROM jobs GROUP BY state").execute().compose(counts -> {
      JsonObject byState = new JsonObject().put("pending", 0L).put("running", 0L).put("dead", 0L);
      counts.forEach(row -> byState.put(row.getString(0), row.getLong(1)));
      return pool.preparedQuery("SELECT id, kind, payload, attempts, last_error, created_at FROM jobs WHERE state = 'dead' "
              + "ORDER BY id DESC LIMIT $1").execute(Tuple.of(deadShown))
          .map(rows -> {
            JsonArray dead = new JsonArray();
            rows.forEach(row -> dead.add(new JsonObject().put("id", row.getLong(0)).put("kind", row.getString(1))
                .put("payload", row.getValue(2)).put("attempts", row.getInteger(3)).put("lastError", row.getString(4))
                .put("createdAt", row.getOffsetDateTime(5).toString())));
            return byState.put("deadJobs", dead);
          });
    });
  }

  /** Gives a dead job a fresh set of attempts; false when there is no such dead job. */
  public Future<Boolean> revive(long id) {
    return pool.preparedQuery("UPDATE jobs SET state = 'pending', attempts = 0, run_at = now(), last_error = NULL "
        + "WHERE id = $1 AND state = 'dead'").execute(Tuple.of(id)).map(rows -> rows.rowCount() == 1);
  }

  private static String truncate(String error) {
    return error == null || error.length() <= 1000 ? error : error.substring(0, 1000);
  }
}
