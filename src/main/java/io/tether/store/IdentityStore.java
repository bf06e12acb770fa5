package io.tether.store;

import io.tether.core.ErrorCode;
import io.tether.core.TetherException;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/**
 * Provider accounts (Apple, Google, OIDC) and the Tether users they sign in as. The first sign-in of
 * a provider account finds its user by email only when the provider vouches for the address;
 * otherwise it makes a new user. See {@link #signIn}.
 */
public final class IdentityStore {
  private static final String FIND = """
      UPDATE identities SET last_used_at = now(), email = coalesce($3, email)
      WHERE provider = $1 AND subject = $2 RETURNING user_id""";
  private static final String USER_BY_EMAIL = """
      SELECT id, email_verified_at IS NOT NULL, password_hash IS NOT NULL FROM users WHERE email = $1 FOR UPDATE""";
  private static final String LINK = "INSERT INTO identities (provider, subject, user_id, email) VALUES ($1, $2, $3, $4)";
  private static final String CREATE_USER = """
      INSERT INTO users (id, email, password_hash, email_verified_at)
      VALUES ($1, $2, NULL, CASE WHEN $2::text IS NULL THEN NULL ELSE now() END)""";
  // The provider has shown who owns the address; a password someone set on it without ever proving
  // the address could be an attacker's, waiting for the owner (account pre-hijacking): it goes.
  private static final String TAKE_OVER = """
      UPDATE users SET email_verified_at = now(), password_hash = NULL WHERE id = $1""";
  private static final String END_SESSIONS = "UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL";

  /** Whom a sign-in is for, and how it came to be. */
  public record SignedIn(String userId, How how) {
    /** How the provider account was matched to its user. */
    public enum How { KNOWN, LINKED_BY_EMAIL, CREATED }
  }

  private final Pool pool;

  public IdentityStore(Pool pool) {
    this.pool = pool;
  }

  /**
   * The user a provider account signs in as, in one transaction:
   * <ol>
   *   <li>a provider account seen before: its user;</li>
   *   <li>else, if the provider vouches for the email and a user has it: that user, now linked. If the
   *       user had never verified the address, it counts as verified now, and any password and
   *       sign-ins it had end;</li>
   *   <li>else, if a user has the email but the provider does not vouch for it: 409, nothing linked
   *       (whoever controls the provider account has not shown they own the address);</li>
   *   <li>else a new user, with the email when the provider vouches for it (none otherwise).</li>
   * </ol>
   * Two first sign-ins of one provider account at once: one links or creates, the other retries and finds it.
   */
  public Future<SignedIn> signIn(String provider, String subject, String email, boolean vouched) {
    return pool.withTransaction(conn -> signIn(conn, provider, subject, email, vouched))
        .recover(err -> PgErrors.isUniqueViolation(err)
            ? pool.withTransaction(conn -> signIn(conn, provider, subject, email, vouched))
            : Future.failedFuture(err));
  }

  private static Future<SignedIn> signIn(SqlConnection conn, String provider, String subject, String email, boolean vouched) {
    return conn.preparedQuery(FIND).execute(Tuple.of(provider, subject, vouched ? email : null)).compose(found -> {
      if (found.size() > 0) {
        return Future.succeededFuture(new SignedIn(found.iterator().next().getString(0), SignedIn.How.KNOWN));
      }
      Future<RowSet<Row>> holder = email == null ? Future.succeededFuture(null)
          : conn.preparedQuery(USER_BY_EMAIL).execute(Tuple.of(email));
      return holder.compose(rows -> {
        if (rows != null && rows.size() > 0) {
          Row user = rows.iterator().next();
          if (!vouched) {
            return Future.failedFuture(new TetherException(ErrorCode.CONFLICT, "an account already has this email, and "
                + provider + " does not vouch for it: sign in with that account's password"));
          }
          String userId = user.getString(0);
          Future<Void> secured = user.getBoolean(1) ? Future.succeededFuture()
              : conn.preparedQuery(TAKE_OVER).execute(Tuple.of(userId))
                  .compose(done -> conn.preparedQuery(END_SESSIONS).execute(Tuple.of(userId))).mapEmpty();
          return secured.compose(done -> link(conn, provider, subject, userId, email))
              .map(new SignedIn(userId, SignedIn.How.LINKED_BY_EMAIL));
        }
        String userId = UUID.randomUUID().toString();
        String kept = vouched ? email : null;
        return conn.preparedQuery(CREATE_USER).execute(Tuple.of(userId, kept))
            .compose(made -> link(conn, provider, subject, userId, kept))
            .map(new SignedIn(userId, SignedIn.How.CREATED));
      });
    });
  }

  private static Future<Void> link(SqlConnection conn, String provider, String subject, String userId, String email) {
    return conn.preparedQuery(LINK).execute(Tuple.of(provider, subject, userId, email)).mapEmpty();
  }
}
