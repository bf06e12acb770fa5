package io.tether.store;

import io.tether.core.ErrorCode;
import io.tether.core.Role;
import io.tether.core.SpaceInfo;
import io.tether.core.TetherException;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.Optional;
import java.util.UUID;

/** Spaces, their heads and their members. */
public final class SpaceStore {
  private static final String CREATE = """
      INSERT INTO spaces (id, epoch, created_by, name) VALUES ($1, $2, $3, $4)
      ON CONFLICT (id) DO NOTHING RETURNING seq, epoch, compacted_seq, rules_seq""";
  private static final String ADD_OWNER = "INSERT INTO members (space_id, user_id, role) VALUES ($1, $2, 'owner')";
  private static final String INFO = "SELECT seq, epoch, compacted_seq, rules_seq FROM spaces WHERE id = $1";
  private static final String NAME = "SELECT name FROM spaces WHERE id = $1";
  private static final String MINE = """
      SELECT s.id, m.role, s.seq, s.epoch, s.changed_at, s.name
      FROM members m JOIN spaces s ON s.id = m.space_id
      WHERE m.user_id = $1 AND ($2::timestamptz IS NULL OR (s.changed_at, s.id) < ($2, $3))
      ORDER BY s.changed_at DESC, s.id DESC LIMIT $4""";
  private static final String MEMBERS = """
      SELECT m.user_id, m.role, m.added_at, p.display_name, p.avatar_url
      FROM members m LEFT JOIN profiles p ON p.user_id = m.user_id
      WHERE m.space_id = $1 AND m.user_id > $2 ORDER BY m.user_id LIMIT $3""";
  private static final String ROLE = "SELECT role FROM members WHERE space_id = $1 AND user_id = $2";
  private static final String LOCK_SPACE = "SELECT 1 FROM spaces WHERE id = $1 FOR UPDATE";
  private static final String UPSERT_MEMBER = """
      INSERT INTO members (space_id, user_id, role) VALUES ($1, $2, $3)
      ON CONFLICT (space_id, user_id) DO UPDATE SET role = EXCLUDED.role""";
  private static final String DELETE_MEMBER = "DELETE FROM members WHERE space_id = $1 AND user_id = $2";
  private static final String DESCRIBE = "SELECT seq, epoch, name, created_at FROM spaces WHERE id = $1";
  private static final String RENAME = "UPDATE spaces SET name = $2 WHERE id = $1";
  /** Every job of the space (webhook deliveries, pushes): the one table that does not cascade from spaces. */
  private static final String DELETE_JOBS = "DELETE FROM jobs WHERE payload->>'space' = $1";
  private static final String DELETE_SPACE = "DELETE FROM spaces WHERE id = $1";
  private static final String OTHER_OWNERS = """
      SELECT count(*) FROM members WHERE space_id = $1 AND user_id <> $2 AND role = 'owner'""";

  /** The outcome of {@link #createOrJoin}: whether the space was created now, and the caller's role. */
  public record Joined(boolean created, SpaceInfo space, Role role, String name) {}

  private final Pool pool;

  public SpaceStore(Pool pool) {
    this.pool = pool;
  }

  /**
   * Creates the space with the caller as owner, or returns it if the caller is already a member.
   * Anyone else gets 403, whether the space exists or not.
   */
  public Future<Joined> createOrJoin(String space, String userId, String name) {
    return pool.withTransaction(tx -> tx.preparedQuery(CREATE)
        .execute(Tuple.of(space, UUID.randomUUID().toString(), userId, name))
        .compose(created -> {
          if (created.size() == 1) {
            Row row = created.iterator().next();
            SpaceInfo info = new SpaceInfo(space, row.getLong(0), row.getString(1), row.getLong(2), row.getLong(3));
            return tx.preparedQuery(ADD_OWNER).execute(Tuple.of(space, userId))
                .map(added -> new Joined(true, info, Role.OWNER, name));
          }
          return roleOf(tx, space, userId).compose(role -> {
            Role member = role.orElseThrow(SpaceStore::notAMember);
            // Each statement sees what committed before it: a delete of the space may land between them.
            return info(tx, space).compose(info -> tx.preparedQuery(NAME).execute(Tuple.of(space))
                .map(rows -> new Joined(false, info.orElseThrow(SpaceStore::deletedMeanwhile), member,
                    rows.iterator().hasNext() ? rows.iterator().next().getString(0) : null)));
          });
        }));
  }

  private static TetherException deletedMeanwhile() {
    return new TetherException(io.tether.core.ErrorCode.CONFLICT,
        "the space was deleted while this request ran: send it again to create it anew");
  }

  /** One of a member's spaces, as "my spaces" lists it. */
  public record MySpace(String id, Role role, long seq, String epoch, java.time.OffsetDateTime changedAt, String name) {}

  /** A space as its members see it described. */
  public record Described(String id, String name, long seq, String epoch, java.time.OffsetDateTime createdAt) {}

  /** A member as the members list shows them. */
  public record MemberRow(String userId, Role role, java.time.OffsetDateTime addedAt, String displayName, String avatarUrl) {}

  /**
   * Up to {@code limit} of the user's spaces, most recently changed first, after the space
   * {@code (afterChangedAt, afterId)} of an earlier page (null: from the start).
   */
  public Future<java.util.List<MySpace>> spacesOf(String userId, java.time.OffsetDateTime afterChangedAt, String afterId,
                                                  int limit) {
    return pool.preparedQuery(MINE).execute(Tuple.of(userId, afterChangedAt, afterId == null ? "" : afterId, limit))
        .map(rows -> {
          java.util.List<MySpace> out = new java.util.ArrayList<>(rows.size());
          for (Row row : rows) {
            out.add(new MySpace(row.getString(0), Role.parse(row.getString(1)), row.getLong(2), row.getString(3),
                row.getOffsetDateTime(4), row.getString(5)));
          }
          return out;
        });
  }

  /** Up to {@code limit} members of the space by user id, after {@code afterUserId} ("" from the start). */
  public Future<java.util.List<MemberRow>> members(String space, String afterUserId, int limit) {
    return pool.preparedQuery(MEMBERS).execute(Tuple.of(space, afterUserId, limit)).map(rows -> {
      java.util.List<MemberRow> out = new java.util.ArrayList<>(rows.size());
      for (Row row : rows) {
        out.add(new MemberRow(row.getString(0), Role.parse(row.getString(1)), row.getOffsetDateTime(2), row.getString(3),
            row.getString(4)));
      }
      return out;
    });
  }

  public Future<Optional<Described>> describe(String space) {
    return pool.preparedQuery(DESCRIBE).execute(Tuple.of(space)).map(rows -> rows.size() == 0 ? Optional.empty()
        : Optional.of(rows.iterator().next()).map(row -> new Described(space, row.getString(2), row.getLong(0),
            row.getString(1), row.getOffsetDateTime(3))));
  }

  /** Sets the space's display name (null: none). */
  public Future<Void> rename(String space, String name) {
    return pool.preparedQuery(RENAME).execute(Tuple.of(space, name)).mapEmpty();
  }

  /**
   * Deletes the space and all it holds in one transaction: members, documents, the change log,
   * mutations, rules, webhooks and invites cascade from its row; its queued jobs are deleted here.
   * The row lock comes first, so a write of the space either commits before or finds no space.
   * False if there was no such space.
   */
  public Future<Boolean> delete(String space) {
    return pool.withTransaction(tx -> tx.preparedQuery(LOCK_SPACE).execute(Tuple.of(space)).compose(locked -> locked.size() == 0
        ? Future.succeededFuture(false)
        : tx.preparedQuery(DELETE_JOBS).execute(Tuple.of(space))
            .compose(jobs -> tx.preparedQuery(DELETE_SPACE).execute(Tuple.of(space)))
            .map(deleted -> deleted.rowCount() == 1)));
  }

  public Future<Optional<SpaceInfo>> info(String space) {
    return info(pool, space);
  }

  public Future<Optional<Role>> roleOf(String space, String userId) {
    return roleOf(pool, space, userId);
  }

  /** Adds a member or changes their role. Refuses to demote the last owner, which would orphan the space. */
  public Future<Void> setMember(String space, String userId, Role role) {
    return pool.withTransaction(tx -> lockAndCheckOwners(tx, space, userId, role != Role.OWNER)
        .compose(ok -> tx.preparedQuery(UPSERT_MEMBER).execute(Tuple.of(space, userId, role.wire())))
        .mapEmpty());
  }

  /** Whether pushes to this space's members carry the change's data (not only its seq and document). */
  public Future<Void> setPushIncludesData(String space, boolean includesData) {
    return pool.preparedQuery("UPDATE spaces SET push_includes_data = $2 WHERE id = $1")
        .execute(Tuple.of(space, includesData)).mapEmpty();
  }

  /** Removes a member; 404 if they were not one. Refuses to remove the last owner. */
  public Future<Void> removeMember(String space, String userId) {
    return pool.withTransaction(tx -> lockAndCheckOwners(tx, space, userId, true)
        .compose(ok -> tx.preparedQuery(DELETE_MEMBER).execute(Tuple.of(space, userId)))
        .compose(rows -> rows.rowCount() == 1
            ? Future.<Void>succeededFuture()
            : Future.failedFuture(TetherException.notFound("no such member"))));
  }

  private Future<Void> lockAndCheckOwners(SqlClient tx, String space, String userId, boolean losesOwnership) {
    // The space row lock serializes membership changes, so two owners cannot demote each other at once.
    return tx.preparedQuery(LOCK_SPACE).execute(Tuple.of(space))
        .compose(locked -> losesOwnership ? roleOf(tx, space, userId) : Future.succeededFuture(Optional.<Role>empty()))
        .compose(current -> current.filter(r -> r == Role.OWNER).isEmpty()
            ? Future.succeededFuture()
            : tx.preparedQuery(OTHER_OWNERS).execute(Tuple.of(space, userId)).compose(this::requireAnotherOwner));
  }

  private Future<Void> requireAnotherOwner(RowSet<Row> rows) {
    return rows.iterator().next().getLong(0) > 0
        ? Future.succeededFuture()
        : Future.failedFuture(new TetherException(ErrorCode.CONFLICT, "a space must keep at least one owner"));
  }

  static Future<Optional<SpaceInfo>> info(SqlClient client, String space) {
    return client.preparedQuery(INFO).execute(Tuple.of(space)).map(rows -> {
      if (rows.size() == 0) {
        return Optional.empty();
      }
      Row row = rows.iterator().next();
      return Optional.of(new SpaceInfo(space, row.getLong(0), row.getString(1), row.getLong(2), row.getLong(3)));
    });
  }

  private static Future<Optional<Role>> roleOf(SqlClient client, String space, String userId) {
    return client.preparedQuery(ROLE).execute(Tuple.of(space, userId)).map(rows -> rows.size() == 0
        ? Optional.empty()
        : Optional.of(Role.parse(rows.iterator().next().getString(0))));
  }

  static TetherException notAMember() {
    return TetherException.forbidden("not a member of this space");
  }
}
