package io.tether.store;

import io.tether.core.ErrorCode;
import io.tether.core.Role;
import io.tether.core.TetherException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;

/**
 * Invitations: made by owners, accepted by anyone holding the code. Accepting locks the invite's
 * row, so two people racing for its last use cannot both get it.
 */
public final class InviteStore {
  private static final String COLUMNS = "id, role, email, created_by, created_at, expires_at, max_uses, uses, revoked_at";
  private static final String CREATE = """
      INSERT INTO invites (id, space_id, code_hash, role, email, created_by, expires_at, max_uses)
      VALUES ($1, $2, $3, $4, $5, $6, now() + make_interval(hours => $7), $8) RETURNING\s""" + COLUMNS;
  private static final String LIST = "SELECT " + COLUMNS
      + " FROM invites WHERE space_id = $1 AND (created_at, id) > ($2, $3) ORDER BY created_at, id LIMIT $4";
  private static final String REVOKE = """
      UPDATE invites SET revoked_at = coalesce(revoked_at, now()) WHERE space_id = $1 AND id = $2 RETURNING id""";
  private static final String CLAIM = """
      SELECT i.space_id, i.role, i.email, i.expires_at < now(), i.uses >= i.max_uses, i.revoked_at IS NOT NULL,
             (SELECT m.role FROM members m WHERE m.space_id = i.space_id AND m.user_id = $2),
             (SELECT u.email FROM users u WHERE u.id = $2),
             (SELECT u.email_verified_at IS NOT NULL FROM users u WHERE u.id = $2),
             (SELECT m.role FROM members m WHERE m.space_id = i.space_id AND m.user_id = i.created_by)
      FROM invites i WHERE i.code_hash = $1 FOR UPDATE OF i""";
  private static final String USE = "UPDATE invites SET uses = uses + 1 WHERE code_hash = $1";
  private static final String NAMES = """
      SELECT (SELECT name FROM spaces WHERE id = $1), (SELECT display_name FROM profiles WHERE user_id = $2),
             (SELECT email FROM users WHERE id = $2)""";

  /** What an invitation email says: the space's name and the inviter's, each null when there is none. */
  public record Names(String space, String inviter, String inviterEmail) {}
  private static final String JOIN = "INSERT INTO members (space_id, user_id, role) VALUES ($1, $2, $3)";

  /** What accepting did: the space, and the caller's role in it (unchanged if they were a member already). */
  public record Accepted(String space, Role role, boolean joined) {}

  private final Pool pool;

  public InviteStore(Pool pool) {
    this.pool = pool;
  }

  /** Stores a new invite (only the code's hash); answers it as {@link #json} does. */
  public Future<Names> names(String space, String inviter) {
    return pool.preparedQuery(NAMES).execute(Tuple.of(space, inviter)).map(rows -> {
      Row row = rows.iterator().next();
      return new Names(row.getString(0), row.getString(1), row.getString(2));
    });
  }

  public Future<JsonObject> create(String id, String space, byte[] codeHash, Role role, String email, String createdBy,
                                   int expiresInHours, int maxUses) {
    return pool.preparedQuery(CREATE).execute(Tuple.from(new Object[] {id, space, io.vertx.core.buffer.Buffer.buffer(codeHash),
        role.wire(), email, createdBy, expiresInHours, maxUses})).map(rows -> json(rows.iterator().next()));
  }

  /** Up to {@code limit} of the space's invites, oldest first, after ({@code afterCreatedAt}, {@code afterId}). */
  public Future<JsonArray> list(String space, OffsetDateTime afterCreatedAt, String afterId, int limit) {
    return pool.preparedQuery(LIST).execute(Tuple.of(space, afterCreatedAt, afterId, limit)).map(rows -> {
      JsonArray out = new JsonArray();
      rows.forEach(row -> out.add(json(row)));
      return out;
    });
  }

  /** Revokes an invite (again: no change); false if the space has no such invite. */
  public Future<Boolean> revoke(String space, String id) {
    return pool.preparedQuery(REVOKE).execute(Tuple.of(space, id)).map(rows -> rows.size() == 1);
  }

  /**
   * Makes {@code userId} a member by the invite whose code hashes to {@code codeHash}, using one of its
   * uses; a member already keeps their role and uses none. Refusals say why: not found, expired,
   * revoked, used up, or meant for another email.
   */
  public Future<Accepted> accept(byte[] codeHash, String userId) {
    io.vertx.core.buffer.Buffer hash = io.vertx.core.buffer.Buffer.buffer(codeHash);
    return pool.withTransaction(tx -> tx.preparedQuery(CLAIM).execute(Tuple.of(hash, userId)).compose(rows -> {
      if (rows.size() == 0) {
        return Future.failedFuture(TetherException.notFound("no such invite"));
      }
      Row row = rows.iterator().next();
      String space = row.getString(0);
      if (row.getBoolean(5)) {
        return Future.failedFuture(new TetherException(ErrorCode.INVITE_REVOKED, "this invite was revoked"));
      }
      if (row.getBoolean(3)) {
        return Future.failedFuture(new TetherException(ErrorCode.INVITE_EXPIRED, "this invite has expired"));
      }
      String current = row.getString(6);
      if (current != null) {
        return Future.succeededFuture(new Accepted(space, Role.parse(current), false));
      }
      if (row.getBoolean(4)) {
        return Future.failedFuture(new TetherException(ErrorCode.INVITE_USED_UP, "this invite has been used up"));
      }
      String creatorRole = row.getString(9);
      if (creatorRole == null) {
        // Its maker left or was removed: what they could grant went with them.
        return Future.failedFuture(new TetherException(ErrorCode.INVITE_REVOKED,
            "this invite was revoked: the member who made it is no longer in the space"));
      }
      String meantFor = row.getString(2);
      String email = row.getString(7);
      if (meantFor != null && (email == null || !email.equalsIgnoreCase(meantFor))) {
        return Future.failedFuture(TetherException.forbidden("this invite is for another email address"));
      }
      if (meantFor != null && !Boolean.TRUE.equals(row.getBoolean(8))) {
        // Anyone may register any address; only a verified one proves the invite reached its owner.
        return Future.failedFuture(TetherException.forbidden(
            "this invite is for a verified email address: verify yours (POST /v1/me/verify-email), then accept it"));
      }
      Role role = lesser(Role.parse(row.getString(1)), Role.parse(creatorRole));
      return tx.preparedQuery(USE).execute(Tuple.of(hash))
          .compose(used -> tx.preparedQuery(JOIN).execute(Tuple.of(space, userId, role.wire())))
          .map(joined -> new Accepted(space, role, true));
    }));
  }

  /** An invite grants at most what its maker may grant now. */
  private static Role lesser(Role a, Role b) {
    return a.ordinal() <= b.ordinal() ? a : b;
  }

  private static JsonObject json(Row row) {
    return new JsonObject().put("id", row.getString(0)).put("role", row.getString(1)).put("email", row.getString(2))
        .put("createdBy", row.getString(3)).put("createdAt", row.getOffsetDateTime(4).toInstant().toString())
        .put("expiresAt", row.getOffsetDateTime(5).toInstant().toString()).put("maxUses", row.getInteger(6))
        .put("uses", row.getInteger(7)).put("revoked", row.getValue(8) != null);
  }
}
