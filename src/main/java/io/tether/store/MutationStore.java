package io.tether.store;

import io.tether.core.Mutation;
import io.tether.core.MutationResults;
import io.tether.core.TetherException;
import io.tether.core.WriteResult;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

/**
 * Applies one mutation exactly once per (space, user, mutationId). The idempotency row is claimed
 * first, in the mutation's own transaction: a retry racing the original (on any node) blocks on its
 * primary key until the original commits, then reads the original's result instead of writing. The
 * writer refuses before it modifies anything, so a refusal consumes no seq and needs no savepoint
 * (savepoints plus the foreign-key locks on the space row made PostgreSQL create multixacts and
 * cost a factor of several in throughput); its result is recorded too.
 */
public final class MutationStore {
  private static final String CLAIM = """
      INSERT INTO mutations (space_id, user_id, mutation_id) VALUES ($1, $2, $3)
      ON CONFLICT DO NOTHING RETURNING 1""";
  private static final String RECORDED = "SELECT result FROM mutations WHERE space_id = $1 AND user_id = $2 AND mutation_id = $3";
  private static final String RECORD = "UPDATE mutations SET result = $4 WHERE space_id = $1 AND user_id = $2 AND mutation_id = $3";

  /** What happened: the result to answer, and the write to publish (null for a replay or a refusal). */
  public record Outcome(JsonObject result, WriteResult written) {}

  private final Pool pool;
  private final ChangeWriter writer;

  public MutationStore(Pool pool, ChangeWriter writer) {
    this.pool = pool;
    this.writer = writer;
  }

  public Future<Outcome> apply(String space, String userId, Mutation mutation) {
    Tuple key = Tuple.of(space, userId, mutation.mutationId());
    return pool.withTransaction(tx -> tx.preparedQuery(CLAIM).execute(key).compose(claimed -> claimed.size() == 0
        ? tx.preparedQuery(RECORDED).execute(key)
            .map(rows -> new Outcome((JsonObject) rows.iterator().next().getValue(0), null))
        : write(tx, space, userId, mutation)));
  }

  private Future<Outcome> write(SqlConnection tx, String space, String userId, Mutation mutation) {
    String id = mutation.mutationId();
    // The applied result is known before the write runs, so it is recorded in the write's round trip.
    ChangeWriter.Alongside record = (c, seq, version) -> record(c, space, userId, MutationResults.applied(id, seq, version));
    return writer.write(tx, mutation.toCommand(space, userId), record)
        .map(written -> new Outcome(MutationResults.applied(id, written.change().seq(), written.document().version()),
            written))
        .recover(err -> {
          if (!(err instanceof TetherException refused)) {
            return Future.failedFuture(err);
          }
          JsonObject result = MutationResults.refused(id, refused);
          // Recorded small: a conflict's document is not kept for 30 days with it (a replay reads it again).
          JsonObject recorded = result.copy();
          recorded.remove("current");
          return record(tx, space, userId, recorded).map(done -> new Outcome(result, null));
        });
  }

  private static Future<?> record(SqlClient tx, String space, String userId, JsonObject result) {
    return tx.preparedQuery(RECORD).execute(Tuple.of(space, userId, result.getString("mutationId"), result));
  }
}
