package io.tether.webhooks;

import io.tether.jobs.JobQueue;
import io.tether.store.WriteHook;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.Optional;

/** A space's outgoing webhooks. Secrets are returned only when a webhook is created or replaced. */
public final class WebhookStore {
  /** The job that delivers one change to one webhook. */
  public static final String JOB_KIND = "webhook";
  /**
   * Enqueues, in the write's transaction, one delivery job per webhook of the space ($1) for the
   * change at seq $2; the ordering key keeps each webhook's deliveries in seq order.
   */
  private static final JobQueue.Enqueue ENQUEUE_DELIVERIES = JobQueue.enqueueFrom(JOB_KIND, """
      SELECT jsonb_build_object('space', w.space_id, 'webhook', w.id, 'seq', $2::bigint),
             'webhook:' || w.space_id || '/' || w.id, NULL::timestamptz, NULL::text
      FROM webhooks w WHERE w.space_id = $1""");

  /** Queues a delivery to each of the space's webhooks in the write's transaction. */
  public static final WriteHook DELIVERIES = (tx, cmd, seq, fanout) -> !fanout.webhooks() ? Future.succeededFuture()
      : ENQUEUE_DELIVERIES.in(tx, Tuple.of(cmd.space(), seq));

  /** {@code creatorIsOwner}: whether whoever registered it still owns the space (read with it). */
  public record Webhook(String space, String id, String url, String secret, boolean creatorIsOwner) {}

  private final Pool pool;

  public WebhookStore(Pool pool) {
    this.pool = pool;
  }

  /** Registers or replaces a webhook; a space that has {@code maxPerSpace} others already gets 413. */
  public Future<Void> put(String space, String id, String url, String secret, String userId, int maxPerSpace) {
    return pool.preparedQuery("""
        INSERT INTO webhooks (space_id, id, url, secret, created_by)
        SELECT $1, $2, $3, $4, $5
        WHERE (SELECT count(*) FROM webhooks WHERE space_id = $1 AND id <> $2) < $6
        ON CONFLICT (space_id, id) DO UPDATE SET url = EXCLUDED.url, secret = EXCLUDED.secret, created_by = EXCLUDED.created_by""")
        .execute(Tuple.of(space, id, url, secret, userId, maxPerSpace))
        .compose(rows -> rows.rowCount() == 1 ? Future.<Void>succeededFuture() : Future.failedFuture(
            new io.tether.core.TetherException(io.tether.core.ErrorCode.TOO_LARGE,
                "at most " + maxPerSpace + " webhooks per space: delete one first")));
  }

  public Future<Boolean> delete(String space, String id) {
    return pool.preparedQuery("DELETE FROM webhooks WHERE space_id = $1 AND id = $2").execute(Tuple.of(space, id))
        .map(rows -> rows.rowCount() == 1);
  }

  public Future<Optional<Webhook>> get(String space, String id) {
    return pool.preparedQuery("""
            SELECT w.url, w.secret, EXISTS (SELECT 1 FROM members m
              WHERE m.space_id = w.space_id AND m.user_id = w.created_by AND m.role = 'owner')
            FROM webhooks w WHERE w.space_id = $1 AND w.id = $2""").execute(Tuple.of(space, id))
        .map(rows -> {
          if (rows.size() == 0) {
            return Optional.empty();
          }
          Row row = rows.iterator().next();
          return Optional.of(new Webhook(space, id, row.getString(0), row.getString(1), row.getBoolean(2)));
        });
  }

  /** {@code [{id, url, createdBy, createdAt}]}, without secrets. */
  public Future<JsonArray> list(String space) {
    return pool.preparedQuery("SELECT id, url, created_by, created_at FROM webhooks WHERE space_id = $1 ORDER BY id")
        .execute(Tuple.of(space)).map(rows -> {
          JsonArray out = new JsonArray();
          rows.forEach(row -> out.add(new JsonObject().put("id", row.getString(0)).put("url", row.getString(1))
              .put("createdBy", row.getString(2)).put("createdAt", row.getOffsetDateTime(3).toString())));
          return out;
        });
  }
}
