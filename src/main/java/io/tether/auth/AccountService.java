package io.tether.auth;

import io.tether.core.ErrorCode;
import io.tether.core.TetherException;
import io.tether.store.RefreshTokenStore;
import io.tether.store.UserStore;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.util.Locale;
import java.util.UUID;

/** Registration and sign-in of built-in accounts. Password hashing runs on worker threads. */
public final class AccountService {
  private static final int MAX_PASSWORD_LENGTH = 1024;

  /** The answer to a successful registration, sign-in or refresh. */
  public record Session(String userId, String accessToken, String refreshToken, int expiresIn) {}

  /** Password hashing has its own bounded pool: slow work elsewhere never queues sign-ins behind it. */
  private final WorkerExecutor hashing;
  private final UserStore users;
  private final RefreshTokenStore refreshTokens;
  private final PasswordHasher hasher;
  private final TokenService tokens;
  private final int minPasswordLength;
  private final String dummyHash;

  public AccountService(WorkerExecutor hashing, UserStore users, RefreshTokenStore refreshTokens, PasswordHasher hasher,
                        TokenService tokens, int minPasswordLength) {
    this.hashing = hashing;
    this.users = users;
    this.refreshTokens = refreshTokens;
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
    return hashing.executeBlocking(() -> hasher.hash(password), false)
        .compose(hash -> users.create(userId, normalized, hash))
        .compose(created -> session(userId));
  }

  public Future<Session> login(String email, String password) {
    if (email == null || password == null) {
      return Future.failedFuture(TetherException.badRequest("email and password are required"));
    }
    String normalized = email.trim().toLowerCase(Locale.ROOT);
    return users.findByEmail(normalized).compose(found -> {
      String hash = found.map(UserStore.StoredUser::passwordHash).orElse(dummyHash);
      return hashing.executeBlocking(() -> hasher.verify(password, hash), false).compose(ok -> ok && found.isPresent()
          ? session(found.get().id())
          : Future.failedFuture(new TetherException(ErrorCode.UNAUTHORIZED, "invalid email or password")));
    });
  }

  /** A new pair for a valid refresh token, which stops working; a reused one revokes its family. */
  public Future<Session> refresh(String refreshToken) {
    if (refreshToken == null || refreshToken.isBlank() || refreshToken.length() > 200) {
      return Future.failedFuture(TetherException.badRequest("refreshToken is required"));
    }
    return refreshTokens.rotate(refreshToken).compose(rotation -> rotation.status() == RefreshTokenStore.Rotation.Status.ROTATED
        ? Future.succeededFuture(new Session(rotation.userId(), tokens.issue(rotation.userId()), rotation.token(),
            tokens.ttlSeconds()))
        : Future.failedFuture(new TetherException(ErrorCode.UNAUTHORIZED, "invalid refresh token")));
  }

  /** Ends the sign-in this refresh token belongs to. Access tokens already issued run until they expire. */
  public Future<Void> logout(String refreshToken) {
    if (refreshToken == null || refreshToken.isBlank() || refreshToken.length() > 200) {
      return Future.failedFuture(TetherException.badRequest("refreshToken is required"));
    }
    return refreshTokens.revokeFamily(refreshToken);
  }

  private Future<Session> session(String userId) {
    return refreshTokens.issue(userId)
        .map(refresh -> new Session(userId, tokens.issue(userId), refresh, tokens.ttlSeconds()));
  }

  /**
   * What a sign-in must look like before it is looked up or counted: an email of at most 254
   * characters (RFC 5321) and a password of at most 1,024; 400 otherwise.
   */
  public static void requireCredentialShape(String email, String password) {
    if (email == null || password == null) {
      throw TetherException.badRequest("email and password are required");
    }
    if (email.length() > 254 || password.length() > MAX_PASSWORD_LENGTH) {
      throw TetherException.badRequest("email must be at most 254 characters and password at most "
          + MAX_PASSWORD_LENGTH);
    }
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
