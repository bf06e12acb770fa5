package io.tether.store;

import io.tether.core.Change;
import io.tether.core.TetherException;
import io.tether.rules.Rules;
import io.tether.rules.RulesCache;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * Every version of every space's rules. Setting rules is a write of the space: under the space's
 * lock it takes the next seq, records the version at that seq, and appends a {@code rules} change
 * (data: the new rules, before: the old) so that subscribers meet it in order with the documents'.
 */
public final class RulesStore {
  private static final String LOCK = "SELECT seq, rules_seq FROM spaces WHERE id = $1 FOR NO KEY UPDATE";
  private static final String EXACTLY = "SELECT rules FROM space_rules WHERE space_id = $1 AND seq = $2";
  private static final String ADVANCE = "UPDATE spaces SET seq = $2, rules_seq = $2, changed_at = now() WHERE id = $1";
  private static final String RECORD = "INSERT INTO space_rules (space_id, seq, rules, set_by) VALUES ($1, $2, $3, $4)";
  private static final String APPEND = """
      INSERT INTO changes (space_id, seq, collection, doc_id, op, version, data, deleted, mutation_id, actor, before_data)
      VALUES ($1, $2, $3, 'rules', 'rules', $2, $4, false, NULL, $5, $6) RETURNING ts""";

  private final Pool pool;
  private final RulesCache cache;

  public RulesStore(Pool pool, RulesCache cache) {
    this.pool = pool;
    this.cache = cache;
  }

  public RulesCache cache() {
    return cache;
  }

  /** The compiled rules set at {@code rulesSeq} (a head's), from the node's cache when it has them. */
  public Future<Rules> version(String space, long rulesSeq) {
    Rules known = cache.version(space, rulesSeq);
    if (known != null) {
      return Future.succeededFuture(known);
    }
    return setAt(space, rulesSeq).map(spec -> {
      Rules rules = cache.compile(spec);
      cache.remember(space, rulesSeq, rules);
      return rules;
    });
  }

  /** Sets the space's rules ({@code {}}: none); the rules change to publish once committed. */
  public Future<Change> set(String space, JsonObject rules, String actor) {
    return pool.withTransaction(tx -> tx.preparedQuery(LOCK).execute(Tuple.of(space)).compose(locked -> {
      if (locked.size() == 0) {
        return Future.failedFuture(TetherException.notFound("no such space"));
      }
      Row row = locked.iterator().next();
      long seq = row.getLong(0) + 1;
      long previous = row.getLong(1);
      Future<JsonObject> before = previous == 0 ? Future.succeededFuture(new JsonObject())
          : tx.preparedQuery(EXACTLY).execute(Tuple.of(space, previous))
              .map(rows -> rows.size() == 0 ? new JsonObject() : (JsonObject) rows.iterator().next().getValue(0));
      return before.compose(old -> {
        Future<?> advanced = tx.preparedQuery(ADVANCE).execute(Tuple.of(space, seq));
        Future<?> recorded = tx.preparedQuery(RECORD).execute(Tuple.of(space, seq, rules, actor));
        var appended = tx.preparedQuery(APPEND).execute(Tuple.of(space, seq, Change.RULES_COLLECTION, rules, actor, old));
        return Future.all(List.of(advanced, recorded, appended)).map(all -> {
          OffsetDateTime ts = appended.result().iterator().next().getOffsetDateTime(0);
          return new Change(space, seq, Change.RULES_COLLECTION, "rules", Change.Op.RULES, seq, rules, false, null, actor,
              ts.toInstant(), old);
        });
      });
    }));
  }

  /** The rules set at exactly {@code seq} (a space's {@code rules_seq}); {@code {}} for 0. */
  public Future<JsonObject> setAt(String space, long seq) {
    if (seq == 0) {
      return Future.succeededFuture(new JsonObject());
    }
    return pool.preparedQuery(EXACTLY).execute(Tuple.of(space, seq))
        .map(rows -> rows.size() == 0 ? new JsonObject() : (JsonObject) rows.iterator().next().getValue(0));
  }

}
