package io.tether.store;

import io.tether.core.ErrorCode;
import io.tether.core.TetherException;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

/**
 * Codes sent by email, kept as their SHA-256 only. A code is used inside the transaction that does
 * what it allows (a new password, a verified email), with its row locked, so two uses at once cannot
 * both succeed.
 */
public final class EmailCodeStore {
  /** What a code is for. */
  public enum Purpose {
    RESET("reset"), VERIFY("verify");

    private final String wire;

    Purpose(String wire) {
      this.wire = wire;
    }
  }

  private static final String INSERT = """
      INSERT INTO email_codes (code_hash, user_id, purpose, email, expires_at)
      VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))""";
  private static final String FORGET_EXPIRED = "DELETE FROM email_codes WHERE user_id = $1 AND expires_at < now()";
  private static final String LOCK = """
      SELECT user_id, email, used_at IS NOT NULL, expires_at <= now()
      FROM email_codes WHERE code_hash = $1 AND purpose = $2 FOR UPDATE""";
  // A used code ends the others of its purpose too: the newest email is not the only one that works.
  private static final String USE_ALL = """
      UPDATE email_codes SET used_at = now() WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL""";
  private static final String CURRENT_EMAIL = "SELECT email FROM users WHERE id = $1 FOR UPDATE";
  private static final String SET_HASH = "UPDATE users SET password_hash = $2, email_verified_at = coalesce(email_verified_at, now()) WHERE id = $1";
  private static final String VERIFY = "UPDATE users SET email_verified_at = coalesce(email_verified_at, now()) WHERE id = $1";
  private static final String REVOKE_SESSIONS = "UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL";

  /** The account a code was used for, and the address it was sent to. */
  public record Used(String userId, String email) {}

  private final Pool pool;

  public EmailCodeStore(Pool pool) {
    this.pool = pool;
  }

  /** Keeps a new code's hash for {@code ttlSeconds}, and forgets the user's expired ones. */
  public Future<Void> issue(byte[] codeHash, String userId, Purpose purpose, String email, int ttlSeconds) {
    return pool.withTransaction(conn -> conn.preparedQuery(FORGET_EXPIRED).execute(Tuple.of(userId))
        .compose(forgotten -> conn.preparedQuery(INSERT)
            .execute(Tuple.of(codeHash, userId, purpose.wire, email, (double) ttlSeconds)))
        .mapEmpty());
  }

  /**
   * Uses a reset code: the account gets {@code passwordHash}, its email counts as verified (the code
   * came through it), and every sign-in of it ends, since whoever knew the old password is out too.
   */
  public Future<Used> resetPassword(byte[] codeHash, String passwordHash) {
    return pool.withTransaction(conn -> use(conn, codeHash, Purpose.RESET).compose(used -> conn.preparedQuery(SET_HASH)
        .execute(Tuple.of(used.userId(), passwordHash))
        .compose(set -> conn.preparedQuery(REVOKE_SESSIONS).execute(Tuple.of(used.userId())))
        .map(used)));
  }

  /** Uses a verification code: the account's email counts as verified. */
  public Future<Used> verifyEmail(byte[] codeHash) {
    return pool.withTransaction(conn -> use(conn, codeHash, Purpose.VERIFY)
        .compose(used -> conn.preparedQuery(VERIFY).execute(Tuple.of(used.userId())).map(used)));
  }

  private static Future<Used> use(SqlConnection conn, byte[] codeHash, Purpose purpose) {
    return conn.preparedQuery(LOCK).execute(Tuple.of(codeHash, purpose.wire)).compose(rows -> {
      if (rows.size() == 0) {
        return Future.failedFuture(TetherException.notFound("no such code"));
      }
      Row row = rows.iterator().next();
      if (row.getBoolean(2)) {
        return Future.failedFuture(new TetherException(ErrorCode.CODE_USED, "this code has been used: each code works once"));
      }
      if (row.getBoolean(3)) {
        return Future.failedFuture(new TetherException(ErrorCode.CODE_EXPIRED, "this code has expired: ask for a new one"));
      }
      Used used = new Used(row.getString(0), row.getString(1));
      // The code was sent to one address: if the account's has changed since, it proves nothing.
      return conn.preparedQuery(CURRENT_EMAIL).execute(Tuple.of(used.userId())).compose(current -> {
        if (current.size() == 0 || !used.email().equals(current.iterator().next().getString(0))) {
          return Future.failedFuture(TetherException.notFound("no such code"));
        }
        return conn.preparedQuery(USE_ALL).execute(Tuple.of(used.userId(), purpose.wire)).map(used);
      });
    });
  }
}
