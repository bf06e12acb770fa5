package io.tether.store;

import io.tether.core.ErrorCode;
import io.tether.core.TetherException;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowIterator;
import io.vertx.sqlclient.Tuple;
import java.util.Optional;

/** Built-in accounts. Emails are stored lower-cased so sign-in is case-insensitive. */
public final class UserStore {
  private static final String INSERT = "INSERT INTO users (id, email, password_hash) VALUES ($1, $2, $3)";
  private static final String BY_EMAIL = "SELECT id, password_hash, email_verified_at IS NOT NULL FROM users WHERE email = $1";
  private static final String EMAIL_OF = "SELECT email, email_verified_at IS NOT NULL FROM users WHERE id = $1";
  private static final String HASH_OF = "SELECT password_hash FROM users WHERE id = $1";
  private static final String SET_HASH = "UPDATE users SET password_hash = $2 WHERE id = $1";
  private static final String EXISTS = "SELECT 1 FROM users WHERE id = $1";

  /** A stored account: its id, its password hash and whether its email has been shown to be its owner's. */
  public record StoredUser(String id, String passwordHash, boolean emailVerified) {}

  /** A built-in account's email and whether it is verified. */
  public record Email(String address, boolean verified) {}

  private final Pool pool;

  public UserStore(Pool pool) {
    this.pool = pool;
  }

  /** Creates the account, or fails with 409 if the email is taken. */
  public Future<Void> create(String id, String email, String passwordHash) {
    return pool.preparedQuery(INSERT).execute(Tuple.of(id, email, passwordHash))
        .<Void>mapEmpty()
        .recover(err -> Future.failedFuture(PgErrors.isUniqueViolation(err)
            ? new TetherException(ErrorCode.CONFLICT, "an account with this email already exists")
            : err));
  }

  public Future<Optional<StoredUser>> findByEmail(String email) {
    return pool.preparedQuery(BY_EMAIL).execute(Tuple.of(email)).map(rows -> {
      RowIterator<Row> it = rows.iterator();
      if (!it.hasNext()) {
        return Optional.empty();
      }
      Row row = it.next();
      return Optional.of(new StoredUser(row.getString(0), row.getString(1), row.getBoolean(2)));
    });
  }

  /** The account's password hash; empty for a user of an external issuer or one who signs in only with a provider. */
  public Future<Optional<String>> passwordHashOf(String userId) {
    return pool.preparedQuery(HASH_OF).execute(Tuple.of(userId))
        .map(rows -> rows.size() == 0 ? Optional.<String>empty() : Optional.ofNullable(rows.iterator().next().getString(0)));
  }

  public Future<Void> setPasswordHash(String userId, String hash) {
    return pool.preparedQuery(SET_HASH).execute(Tuple.of(userId, hash)).mapEmpty();
  }

  /** The built-in account's email; empty for a user of an external issuer. */
  public Future<Optional<Email>> emailOf(String userId) {
    return pool.preparedQuery(EMAIL_OF).execute(Tuple.of(userId)).map(rows -> {
      if (rows.size() == 0) {
        return Optional.<Email>empty();
      }
      Row row = rows.iterator().next();
      return Optional.of(new Email(row.getString(0), row.getBoolean(1)));
    });
  }

  public Future<Boolean> exists(String userId) {
    return pool.preparedQuery(EXISTS).execute(Tuple.of(userId)).map(rows -> rows.size() > 0);
  }
}
