package io.tether.store;

import io.tether.core.Change;
import io.tether.core.Document;
import io.tether.core.ErrorCode;
import io.tether.core.MergePatch;
import io.tether.core.Role;
import io.tether.core.Viewer;
import io.tether.rules.Rules;
import io.tether.core.TetherException;
import io.tether.core.WriteCommand;
import io.tether.core.WriteResult;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowIterator;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * The write path: one transaction that locks the space's row (the lock orders the space's writers,
 * so seq order is commit order), reads the document, checks the precondition, and only then advances
 * the seq, writes the document, appends the change and enqueues the space's webhook deliveries and
 * push job in one pipelined round trip. A refusal is found before anything is modified, so it leaves no gap in
 * seq and needs no savepoint inside a caller's transaction. Publishing is the caller's job, after this future completes (after commit).
 */
public final class ChangeWriter {
  // NO KEY UPDATE: conflicts with other writers of the space, not with the key-share locks that
  // foreign-key checks of concurrent inserts take on the same row.
  // The lock also says whether the write has webhooks to feed or members ($2: other than the writer)
  // to wake, so the common write sends neither enqueue statement (together they cost PostgreSQL a
  // quarter of its throughput even when they insert nothing).
  private static final String LOCK = """
      SELECT s.seq,
             EXISTS (SELECT 1 FROM webhooks w WHERE w.space_id = s.id),
             EXISTS (SELECT 1 FROM members m JOIN devices d ON d.user_id = m.user_id WHERE m.space_id = s.id AND m.user_id <> $2),
             s.rules_seq,
             (SELECT m.role FROM members m WHERE m.space_id = s.id AND m.user_id = $2)
      FROM spaces s WHERE s.id = $1 FOR NO KEY UPDATE OF s""";

  /** What the lock found out besides the seq. */
  private static final String ADVANCE = "UPDATE spaces SET seq = $2, changed_at = now() WHERE id = $1";
  private static final String CURRENT = "SELECT " + Rows.DOCUMENT_COLUMNS
      + " FROM documents WHERE space_id = $1 AND collection = $2 AND id = $3";
  private static final String UPSERT = """
      INSERT INTO documents (space_id, collection, id, version, data, deleted, seq, updated_at)
      VALUES ($1, $2, $3, $4, $5, $6, $7, now())
      ON CONFLICT (space_id, collection, id) DO UPDATE
      SET version = EXCLUDED.version, data = EXCLUDED.data, deleted = EXCLUDED.deleted,
          seq = EXCLUDED.seq, updated_at = EXCLUDED.updated_at""";
  private static final String APPEND = """
      INSERT INTO changes (space_id, seq, collection, doc_id, op, version, data, deleted, mutation_id, actor, before_data)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING ts""";

  private final Pool pool;
  private final int maxDocumentBytes;
  private final List<WriteHook> hooks;
  private final RulesStore rules;

  /** {@code hooks} send their statements in every write's transaction; {@code rules} judge it. */
  public ChangeWriter(Pool pool, int maxDocumentBytes, List<WriteHook> hooks, RulesStore rules) {
    this.pool = pool;
    this.maxDocumentBytes = maxDocumentBytes;
    this.hooks = List.copyOf(hooks);
    this.rules = rules;
  }

  /** A caller's statement sent in the write's round trip, once the write's seq and version are known. */
  @FunctionalInterface
  public interface Alongside {
    Alongside NOTHING = (tx, seq, version) -> Future.succeededFuture();

    Future<?> send(SqlClient tx, long seq, long version);
  }

  public Future<WriteResult> write(WriteCommand cmd) {
    return pool.withTransaction(tx -> write(tx, cmd, Alongside.NOTHING));
  }

  /** The same write inside a caller's transaction (the mutation queue records its result alongside). */
  public Future<WriteResult> write(SqlClient tx, WriteCommand cmd, Alongside alongside) {
    return tx.preparedQuery(LOCK).execute(Tuple.of(cmd.space(), cmd.actor()))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.failedFuture(TetherException.notFound("no such space"));
          }
          Row locked = rows.iterator().next();
          long seq = locked.getLong(0) + 1;
          WriteHook.SpaceFanout fanout = new WriteHook.SpaceFanout(locked.getBoolean(1), locked.getBoolean(2));
          long rulesSeq = locked.getLong(3);
          String role = locked.getString(4);
          // Read under the lock: the rules judging this write are the space's rules at its seq.
          Future<Rules> judging = rulesSeq == 0 ? Future.succeededFuture(Rules.NONE) : rules.version(cmd.space(), rulesSeq);
          // A service key is no member: SpaceAccess let it write by its scope, and it writes as an owner would.
          Viewer viewer = role != null ? new Viewer(cmd.actor(), Role.parse(role))
              : io.tether.core.ServiceGrant.isActor(cmd.actor()) ? new Viewer(cmd.actor(), Role.OWNER) : null;
          return judging.compose(r -> tx.preparedQuery(CURRENT).execute(Tuple.of(cmd.space(), cmd.collection(), cmd.id()))
              .compose(current -> apply(tx, cmd, seq, fanout, single(current.iterator()), alongside, r, viewer)));
        });
  }

  private Future<WriteResult> apply(SqlClient tx, WriteCommand cmd, long seq, WriteHook.SpaceFanout fanout, Document current,
                                    Alongside alongside, Rules rules, Viewer viewer) {
    if (!rules.isNone() && viewer == null) {
      return Future.failedFuture(TetherException.forbidden("not a member of this space"));
    }
    boolean readable = current == null || current.deleted() || rules.isNone()
        || rules.canRead(viewer, cmd.collection(), cmd.id(), current.data());
    if (!readable) {
      return Future.failedFuture(asIfMissing(cmd));
    }
    if (!cmd.precondition().holdsFor(current)) {
      return Future.failedFuture(preconditionFailed(current));
    }
    boolean exists = current != null && !current.deleted();
    if (!exists && cmd.op() != Change.Op.PUT) {
      return Future.failedFuture(TetherException.notFound("no such document"));
    }
    JsonObject data = switch (cmd.op()) {
      case PUT -> cmd.data();
      case PATCH -> MergePatch.apply(current.data(), cmd.data());
      case DELETE -> null;
      case RULES -> throw new IllegalArgumentException("rules are set through RulesStore");
    };
    if (data != null && data.toBuffer().length() > maxDocumentBytes) {
      return Future.failedFuture(new TetherException(ErrorCode.TOO_LARGE,
          "document exceeds " + maxDocumentBytes + " bytes"));
    }
    JsonObject stored = exists ? current.data() : null;
    if (!rules.isNone() && !rules.canWrite(viewer, cmd.collection(), cmd.id(), stored, data)) {
      // Refused before anything was modified: no seq is taken, so no gap.
      return Future.failedFuture(writeRuleRefused(cmd));
    }
    boolean readableAfter = data == null || rules.isNone() || rules.canRead(viewer, cmd.collection(), cmd.id(), data);
    long version = current == null ? 1 : current.version() + 1;
    boolean deleted = cmd.op() == Change.Op.DELETE;
    Document after = new Document(cmd.collection(), cmd.id(), version, data, deleted, seq);
    // Sent together: the connection pipelines them, so the space stays locked for one round trip.
    Future<?> advanced = tx.preparedQuery(ADVANCE).execute(Tuple.of(cmd.space(), seq));
    Future<?> upserted = tx.preparedQuery(UPSERT)
        .execute(Tuple.of(cmd.space(), cmd.collection(), cmd.id(), version, data, deleted, seq));
    JsonObject before = exists ? current.data() : null;
    Future<RowSet<Row>> appended = tx.preparedQuery(APPEND).execute(Tuple.from(new Object[] {cmd.space(), seq,
        cmd.collection(), cmd.id(), cmd.op().wire(), version, data, deleted, cmd.mutationId(), cmd.actor(), before}));
    List<Future<?>> sent = new java.util.ArrayList<>(List.of(advanced, upserted, appended));
    hooks.forEach(hook -> sent.add(hook.alongside(tx, cmd, seq, fanout)));
    sent.add(alongside.send(tx, seq, version));
    return Future.all(sent).map(all -> {
      OffsetDateTime ts = appended.result().iterator().next().getOffsetDateTime(0);
      Change change = new Change(cmd.space(), seq, cmd.collection(), cmd.id(), cmd.op(), version, data, deleted,
          cmd.mutationId(), cmd.actor(), ts.toInstant(), before);
      return new WriteResult(change, after, !exists, readableAfter);
    });
  }

  private static Document single(RowIterator<Row> rows) {
    return rows.hasNext() ? Rows.document(rows.next(), 0) : null;
  }

  /**
   * A write to a document the writer may not read is answered exactly as if there were none, so that
   * no write path tells a hidden id from a free one: a precondition fails as on a missing document,
   * a patch or delete finds nothing. Only a put, which would create a missing document, cannot
   * pretend: it is refused as a write rule refuses, which is what creating over a hidden document is.
   */
  private static TetherException asIfMissing(WriteCommand cmd) {
    if (!cmd.precondition().holdsFor(null)) {
      return preconditionFailed(null);
    }
    return cmd.op() == Change.Op.PUT ? writeRuleRefused(cmd) : TetherException.notFound("no such document");
  }

  private static TetherException writeRuleRefused(WriteCommand cmd) {
    return TetherException.forbidden("the write rule of " + cmd.collection() + " refused this write");
  }

  private static TetherException preconditionFailed(Document current) {
    JsonObject details = new JsonObject().put("current", current == null ? null : current.toJson());
    return new TetherException(ErrorCode.PRECONDITION_FAILED,
        current == null ? "the document does not exist" : "the document is at version " + current.version(), details);
  }
}
