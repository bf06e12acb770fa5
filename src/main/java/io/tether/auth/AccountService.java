package io.tether.auth;

import io.tether.core.ErrorCode;
import io.tether.core.TetherException;
import io.tether.store.UserStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Locale;
import java.util.UUID;

/** Registration and sign-in of built-in accounts. Password hashing runs on worker threads. */
public final class AccountService {
  private static final int MAX_PASSWORD_LENGTH = 1024;

  /** The answer to a successful registration or sign-in. */
  public record Session(String userId, String accessToken, int expiresIn) {}

  private final Vertx vertx;
  private final UserStore users;
  private final PasswordHasher hasher;
  private final TokenService tokens;
  private final int minPasswordLength;
  private final String dummyHash;

  public AccountService(Vertx vertx, UserStore users, PasswordHasher hasher, TokenService tokens, int minPasswordLength) {
    this.vertx = vertx;
    this.users = users;
    this.hasher = hasher;
    this.tokens = tokens;
    this.minPasswordLength = minPasswordLength;
    // Verified against when the email is unknown, so both failures take the same time.
    this.dummyHash = hasher.hash(UUID.randomUUID().toString());
  }

  public Future<Session> register(String email, String password) {
    String normalized;
    try {
      normalized = validEmail(email);
      validPassword(password);
    } catch (TetherException e) {
      return Future.failedFuture(e);
    }
    String userId = UUID.randomUUID().toString();
    return vertx.executeBlocking(() -> hasher.hash(password), false)
        .compose(hash -> users.create(userId, normalized, hash))
        .map(created -> session(userId));
  }

  public Future<Session> login(String email, String password) {
    if (email == null || password == null) {
      return Future.failedFuture(TetherException.badRequest("email and password are required"));
    }
    String normalized = email.trim().toLowerCase(Locale.ROOT);
    return users.findByEmail(normalized).compose(found -> {
      String hash = found.map(UserStore.StoredUser::passwordHash).orElse(dummyHash);
      return vertx.executeBlocking(() -> hasher.verify(password, hash), false).compose(ok -> ok && found.isPresent()
          ? Future.succeededFuture(session(found.get().id()))
          : Future.failedFuture(new TetherException(ErrorCode.UNAUTHORIZED, "invalid email or password")));
    });
  }

  private Session session(String userId) {
    return new Session(userId, tokens.issue(userId), tokens.ttlSeconds());
  }

  private static String validEmail(String email) {
    if (email == null || email.length() > 254 || !email.trim().matches("[^@\\s]+@[^@\\s]+")) {
      throw TetherException.badRequest("email must be a valid address");
    }
    return email.trim().toLowerCase(Locale.ROOT);
  }

  private void validPassword(String password) {
    if (password == null || password.length() < minPasswordLength || password.length() > MAX_PASSWORD_LENGTH) {
      throw TetherException.badRequest("password must be " + minPasswordLength + " to " + MAX_PASSWORD_LENGTH + " characters");
    }
  }
}
