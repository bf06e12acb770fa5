package io.tether.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * A whole account at once: deleting it (with what becomes of the spaces it alone owns) and exporting
 * what Tether holds about it.
 */
public final class AccountStore {
  /** What happens to a space whose only owner is deleted. */
  public enum SoleOwnedSpaces {
    /** Ownership passes to the longest-standing writer; a space with no writer is deleted. */
    TRANSFER,
    /** The space is deleted, whoever else is in it. */
    DELETE
  }

  /** What a deletion did, for the notices after it commits. */
  public record Deleted(boolean existed, List<String> spacesLeft, List<String> spacesDeleted,
                        List<Transfer> transferred) {}

  /** A space handed to a new owner. */
  public record Transfer(String space, String newOwner) {}

  private static final String LOCK_MEMBERSHIPS = "SELECT space_id, role FROM members WHERE user_id = $1 ORDER BY space_id FOR UPDATE";
  private static final String OTHER_OWNERS = "SELECT count(*) FROM members WHERE space_id = $1 AND role = 'owner' AND user_id <> $2";
  private static final String LONGEST_WRITER = """
      SELECT user_id FROM members WHERE space_id = $1 AND role = 'writer' ORDER BY added_at, user_id LIMIT 1 FOR UPDATE""";
  private static final String PROMOTE = "UPDATE members SET role = 'owner' WHERE space_id = $1 AND user_id = $2";
  private static final String LOCK_SPACE = "SELECT 1 FROM spaces WHERE id = $1 FOR UPDATE";
  private static final String DELETE_SPACE_JOBS = "DELETE FROM jobs WHERE payload->>'space' = $1";
  private static final String DELETE_SPACE = "DELETE FROM spaces WHERE id = $1";
  private static final String[] DELETE_ROWS = {
      "DELETE FROM members WHERE user_id = $1",
      "DELETE FROM devices WHERE user_id = $1",
      "DELETE FROM refresh_tokens WHERE user_id = $1",
      "DELETE FROM mutations WHERE user_id = $1",
      "DELETE FROM profiles WHERE user_id = $1"};
  private static final String DELETE_USER = "DELETE FROM users WHERE id = $1";
  private static final String HAD_ANYTHING = """
      SELECT EXISTS (SELECT 1 FROM profiles WHERE user_id = $1) OR EXISTS (SELECT 1 FROM devices WHERE user_id = $1)""";

  private final Pool pool;

  public AccountStore(Pool pool) {
    this.pool = pool;
  }

  /**
   * Deletes the user in one transaction: their memberships (each space they alone own handled by
   * {@code rule} first), devices, sign-ins, offline-mutation records, profile, and the account with
   * its provider identities and email codes. Their id stays in change logs ({@code actor}) unless
   * anonymised separately. Deleting a user who is gone already does nothing ({@code existed} false).
   */
  public Future<Deleted> delete(String userId, SoleOwnedSpaces rule) {
    return pool.withTransaction(tx -> tx.preparedQuery(HAD_ANYTHING).execute(Tuple.of(userId))
        .compose(had -> tx.preparedQuery(LOCK_MEMBERSHIPS).execute(Tuple.of(userId)).compose(rows -> {
          List<String> owned = new ArrayList<>();
          List<String> left = new ArrayList<>();
          for (Row row : rows) {
            left.add(row.getString(0));
            if ("owner".equals(row.getString(1))) {
              owned.add(row.getString(0));
            }
          }
          List<String> deleted = new ArrayList<>();
          List<Transfer> transferred = new ArrayList<>();
          Future<Void> spaces = Future.succeededFuture();
          for (String space : owned) {
            spaces = spaces.compose(v -> soleOwned(tx, space, userId, rule, deleted, transferred));
          }
          return spaces.compose(v -> deleteRows(tx, userId, 0))
              .compose(v -> tx.preparedQuery(DELETE_USER).execute(Tuple.of(userId)))
              .map(user -> {
                left.removeAll(deleted);
                boolean existed = user.rowCount() > 0 || !left.isEmpty() || !deleted.isEmpty()
                    || had.iterator().next().getBoolean(0);
                return new Deleted(existed, left, deleted, transferred);
              });
        })));
  }

  private static final String ACCOUNT = """
      SELECT u.id, u.email, u.email_verified_at, u.created_at, p.display_name, p.avatar_url, p.locale
      FROM (SELECT $1::text AS id) me LEFT JOIN users u ON u.id = me.id LEFT JOIN profiles p ON p.user_id = me.id""";
  private static final String IDENTITIES = """
      SELECT provider, email, created_at, last_used_at FROM identities WHERE user_id = $1 ORDER BY provider, created_at""";
  private static final String SESSIONS = """
      SELECT family_id, min(created_at), max(created_at), max(label) FROM refresh_tokens
      WHERE user_id = $1 AND revoked_at IS NULL GROUP BY family_id HAVING max(expires_at) > now()
      ORDER BY max(created_at) DESC LIMIT 100""";
  private static final String MEMBERSHIPS = """
      SELECT m.space_id, s.name, m.role, m.added_at FROM members m JOIN spaces s ON s.id = m.space_id
      WHERE m.user_id = $1 ORDER BY m.space_id LIMIT $2""";
  private static final String DEVICES = """
      SELECT device_id, platform, locale, updated_at FROM devices WHERE user_id = $1 ORDER BY device_id""";

  /**
   * What Tether holds about the user, but the documents: the account and profile, provider
   * identities, live sign-ins (never tokens), at most {@code maxMemberships} memberships (each with
   * the space's name) and devices (never push tokens). One snapshot.
   */
  public Future<JsonObject> exportAccount(String userId, int maxMemberships) {
    return pool.withTransaction(tx -> tx.preparedQuery(ACCOUNT).execute(Tuple.of(userId)).compose(account -> {
      Row a = account.iterator().next();
      JsonObject out = new JsonObject()
          .put("account", new JsonObject().put("userId", userId).put("email", a.getString(1))
              .put("emailVerified", a.getValue(2) != null).put("createdAt", instant(a, 3)))
          .put("profile", new JsonObject().put("displayName", a.getString(4)).put("avatarUrl", a.getString(5))
              .put("locale", a.getString(6)));
      return tx.preparedQuery(IDENTITIES).execute(Tuple.of(userId)).compose(rows -> {
        JsonArray list = new JsonArray();
        rows.forEach(r -> list.add(new JsonObject().put("provider", r.getString(0)).put("email", r.getString(1))
            .put("createdAt", instant(r, 2)).put("lastUsedAt", instant(r, 3))));
        out.put("identities", list);
        return tx.preparedQuery(SESSIONS).execute(Tuple.of(userId));
      }).compose(rows -> {
        JsonArray list = new JsonArray();
        rows.forEach(r -> list.add(new JsonObject().put("id", r.getString(0)).put("label", r.getString(3))
            .put("createdAt", instant(r, 1)).put("lastUsedAt", instant(r, 2))));
        out.put("sessions", list);
        return tx.preparedQuery(MEMBERSHIPS).execute(Tuple.of(userId, maxMemberships));
      }).compose(rows -> {
        JsonArray list = new JsonArray();
        rows.forEach(r -> list.add(new JsonObject().put("space", r.getString(0)).put("name", r.getString(1))
            .put("role", r.getString(2)).put("addedAt", instant(r, 3))));
        out.put("memberships", list).put("membershipsComplete", list.size() < maxMemberships);
        return tx.preparedQuery(DEVICES).execute(Tuple.of(userId));
      }).map(rows -> {
        JsonArray list = new JsonArray();
        rows.forEach(r -> list.add(new JsonObject().put("deviceId", r.getString(0)).put("platform", r.getString(1))
            .put("locale", r.getString(2)).put("updatedAt", instant(r, 3))));
        return out.put("devices", list);
      });
    }));
  }

  private static final String OWNED = """
      SELECT s.id, s.name, s.created_at FROM members m JOIN spaces s ON s.id = m.space_id
      WHERE m.user_id = $1 AND m.role = 'owner' AND s.id > $2 ORDER BY s.id LIMIT $3""";

  /** A space the user owns, for the export. */
  public record OwnedSpace(String id, String name, String createdAt) {}

  /** The spaces the user owns, by id, after {@code afterId}, at most {@code limit}. */
  public Future<List<OwnedSpace>> ownedSpaces(String userId, String afterId, int limit) {
    return pool.preparedQuery(OWNED).execute(Tuple.of(userId, afterId, limit)).map(rows -> {
      List<OwnedSpace> out = new ArrayList<>();
      rows.forEach(r -> out.add(new OwnedSpace(r.getString(0), r.getString(1), instant(r, 2))));
      return out;
    });
  }

  private static String instant(Row row, int column) {
    java.time.OffsetDateTime at = row.getOffsetDateTime(column);
    return at == null ? null : at.toInstant().toString();
  }

  private static final String LAST_OF_BATCH = "SELECT max(id) FROM (SELECT id FROM spaces WHERE id > $1 ORDER BY id LIMIT $2) batch";
  // The change logs' actor, and who made a space, a webhook or an invite: each by the space's id.
  private static final String[] ANONYMIZE = {
      "UPDATE changes SET actor = $2 WHERE space_id IN (SELECT id FROM spaces WHERE id > $3 ORDER BY id LIMIT $4) AND actor = $1",
      "UPDATE spaces SET created_by = $2 WHERE id IN (SELECT id FROM spaces WHERE id > $3 ORDER BY id LIMIT $4) AND created_by = $1",
      "UPDATE webhooks SET created_by = $2 WHERE space_id IN (SELECT id FROM spaces WHERE id > $3 ORDER BY id LIMIT $4) AND created_by = $1",
      "UPDATE invites SET created_by = $2 WHERE space_id IN (SELECT id FROM spaces WHERE id > $3 ORDER BY id LIMIT $4) AND created_by = $1"};

  /**
   * Replaces {@code actor} by {@code replacement} in the change logs (and as maker of spaces, webhooks and
   * invites) of the next {@code batch} spaces
   * after {@code afterSpace} (by id); answers the last space done, or null when none were left.
   * Space by space through the change log's primary key: no statement scans every change.
   */
  public Future<String> anonymizeActor(String actor, String replacement, String afterSpace, int batch) {
    return pool.withTransaction(tx -> tx.preparedQuery(LAST_OF_BATCH).execute(Tuple.of(afterSpace, batch))
        .compose(last -> {
          String end = last.iterator().next().getString(0);
          return end == null ? Future.succeededFuture((String) null)
              : anonymize(tx, Tuple.of(actor, replacement, afterSpace, batch), 0).map(done -> end);
        }));
  }

  private static Future<Void> soleOwned(SqlConnection tx, String space, String userId, SoleOwnedSpaces rule,
                                        List<String> deleted, List<Transfer> transferred) {
    return tx.preparedQuery(OTHER_OWNERS).execute(Tuple.of(space, userId)).compose(owners -> {
      if (owners.iterator().next().getLong(0) > 0) {
        return Future.succeededFuture();
      }
      Future<String> heir = rule == SoleOwnedSpaces.DELETE ? Future.succeededFuture(null)
          : tx.preparedQuery(LONGEST_WRITER).execute(Tuple.of(space))
              .map(found -> found.size() == 0 ? null : found.iterator().next().getString(0));
      return heir.compose(writer -> {
        if (writer != null) {
          transferred.add(new Transfer(space, writer));
          return tx.preparedQuery(PROMOTE).execute(Tuple.of(space, writer)).mapEmpty();
        }
        deleted.add(space);
        return tx.preparedQuery(LOCK_SPACE).execute(Tuple.of(space))
            .compose(locked -> tx.preparedQuery(DELETE_SPACE_JOBS).execute(Tuple.of(space)))
            .compose(jobs -> tx.preparedQuery(DELETE_SPACE).execute(Tuple.of(space)))
            .mapEmpty();
      });
    });
  }

  private static Future<Void> anonymize(SqlConnection tx, Tuple args, int from) {
    return from == ANONYMIZE.length ? Future.succeededFuture()
        : tx.preparedQuery(ANONYMIZE[from]).execute(args).compose(done -> anonymize(tx, args, from + 1));
  }

  private static Future<Void> deleteRows(SqlConnection tx, String userId, int from) {
    if (from == DELETE_ROWS.length) {
      return Future.succeededFuture();
    }
    return tx.preparedQuery(DELETE_ROWS[from]).execute(Tuple.of(userId)).compose(done -> deleteRows(tx, userId, from + 1));
  }
}
