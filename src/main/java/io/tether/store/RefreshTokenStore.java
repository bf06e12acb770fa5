package io.tether.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;

/**
 * Refresh tokens: 256 random bits, stored only as their SHA-256. {@link #rotate} replaces a token by a
 * new one of the same family inside one transaction (the row lock makes a concurrent double use
 * count as reuse); presenting a rotated or revoked token revokes the whole family.
 */
public final class RefreshTokenStore {
  private static final String INSERT = """
      INSERT INTO refresh_tokens (token_hash, family_id, user_id, expires_at, label) VALUES ($1, $2, $3, $4, $5)""";
  private static final String LOCK = """
      SELECT family_id, user_id, expires_at < now(), rotated_at IS NOT NULL OR revoked_at IS NOT NULL, label
      FROM refresh_tokens WHERE token_hash = $1 FOR UPDATE""";
  // A live sign-in: a family none of whose tokens is revoked and whose newest has not expired. Its
  // last use is its newest token's creation (each refresh makes one).
  private static final String SESSIONS = """
      SELECT family_id, min(created_at), max(created_at), max(label)
      FROM refresh_tokens WHERE user_id = $1 AND revoked_at IS NULL
      GROUP BY family_id HAVING max(expires_at) > now()
      ORDER BY max(created_at) DESC LIMIT $2""";
  private static final String REVOKE_ONE = """
      UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = $1 AND family_id = $2 AND revoked_at IS NULL""";
  private static final String REVOKE_OTHERS = """
      UPDATE refresh_tokens SET revoked_at = now()
      WHERE user_id = $1 AND revoked_at IS NULL AND ($2::text IS NULL OR family_id <> $2)""";
  private static final String MARK_ROTATED = "UPDATE refresh_tokens SET rotated_at = now() WHERE token_hash = $1";
  private static final String REVOKE_FAMILY = "UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL";
  private static final String SIGNED_IN_AT = """
      SELECT min(created_at), bool_or(revoked_at IS NOT NULL) FROM refresh_tokens WHERE user_id = $1 AND family_id = $2""";
  private static final String FAMILY_OF = "SELECT family_id FROM refresh_tokens WHERE token_hash = $1";

  /** The outcome of a rotation: a new token for the user, or why there is none. */
  public record Rotation(Status status, String userId, String token, String family) {
    /** Why a rotation succeeded or not. */
    public enum Status { ROTATED, UNKNOWN, EXPIRED, REUSED }
  }

  private final Pool pool;
  private final int ttlDays;
  private final SecureRandom random = new SecureRandom();

  public RefreshTokenStore(Pool pool, int ttlDays) {
    this.pool = pool;
    this.ttlDays = ttlDays;
  }

  /** A sign-in: its first refresh token and its family id (the session's id). */
  public record Issued(String token, String family) {}

  /** One live sign-in, for the sessions list (never its token). */
  public record SessionRow(String id, java.time.OffsetDateTime createdAt, java.time.OffsetDateTime lastUsedAt, String label) {}

  /** A new token starting a new family (a sign-in) labelled {@code label} (null: none). */
  public Future<Issued> issue(String userId, String label) {
    String family = UUID.randomUUID().toString();
    return pool.withConnection(conn -> insert(conn, family, userId, label)).map(token -> new Issued(token, family));
  }

  /** When the user signed in to this session (its first token); empty if it is unknown or has been ended. */
  public Future<java.util.Optional<java.time.OffsetDateTime>> signedInAt(String userId, String family) {
    return pool.preparedQuery(SIGNED_IN_AT).execute(Tuple.of(userId, family)).map(rows -> {
      Row row = rows.iterator().next();
      return row.getValue(0) == null || Boolean.TRUE.equals(row.getBoolean(1))
          ? java.util.Optional.<java.time.OffsetDateTime>empty() : java.util.Optional.of(row.getOffsetDateTime(0));
    });
  }

  /** The user's live sign-ins, most recently used first, at most {@code limit}. */
  public Future<java.util.List<SessionRow>> sessions(String userId, int limit) {
    return pool.preparedQuery(SESSIONS).execute(Tuple.of(userId, limit)).map(rows -> {
      java.util.List<SessionRow> out = new java.util.ArrayList<>();
      for (Row row : rows) {
        out.add(new SessionRow(row.getString(0), row.getOffsetDateTime(1), row.getOffsetDateTime(2), row.getString(3)));
      }
      return out;
    });
  }

  /** Ends one of the user's sign-ins; false if they have no live one of that id. */
  public Future<Boolean> revoke(String userId, String family) {
    return pool.preparedQuery(REVOKE_ONE).execute(Tuple.of(userId, family)).map(rows -> rows.rowCount() > 0);
  }

  /** Ends every sign-in of the user but {@code keep} (null: all of them). */
  public Future<Void> revokeOthers(String userId, String keep) {
    return pool.preparedQuery(REVOKE_OTHERS).execute(Tuple.of(userId, keep)).mapEmpty();
  }

  public Future<Rotation> rotate(String token) {
    String hash = hash(token);
    return pool.withTransaction(tx -> tx.preparedQuery(LOCK).execute(Tuple.of(hash)).compose(rows -> {
      if (rows.size() == 0) {
        return Future.succeededFuture(new Rotation(Rotation.Status.UNKNOWN, null, null, null));
      }
      Row row = rows.iterator().next();
      String family = row.getString(0);
      String userId = row.getString(1);
      if (row.getBoolean(3)) {
        // Committed, not rolled back: the family stays revoked even though this call fails.
        return tx.preparedQuery(REVOKE_FAMILY).execute(Tuple.of(family))
            .map(revoked -> new Rotation(Rotation.Status.REUSED, userId, null, family));
      }
      if (row.getBoolean(2)) {
        return Future.succeededFuture(new Rotation(Rotation.Status.EXPIRED, userId, null, family));
      }
      return tx.preparedQuery(MARK_ROTATED).execute(Tuple.of(hash))
          .compose(marked -> insert(tx, family, userId, row.getString(4)))
          .map(next -> new Rotation(Rotation.Status.ROTATED, userId, next, family));
    }));
  }

  /** Revokes the family of this token (sign-out); unknown tokens are ignored. */
  public Future<Void> revokeFamily(String token) {
    return pool.withTransaction(tx -> tx.preparedQuery(FAMILY_OF).execute(Tuple.of(hash(token))).compose(rows -> rows.size() == 0
        ? Future.<Void>succeededFuture()
        : tx.preparedQuery(REVOKE_FAMILY).execute(Tuple.of(rows.iterator().next().getString(0))).mapEmpty()));
  }

  private Future<String> insert(SqlConnection conn, String family, String userId, String label) {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    OffsetDateTime expires = OffsetDateTime.now(ZoneOffset.UTC).plusDays(ttlDays);
    return conn.preparedQuery(INSERT).execute(Tuple.of(hash(token), family, userId, expires, label)).map(token);
  }

  static String hash(String token) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
