package io.tether.auth;

import io.tether.core.ErrorCode;
import io.tether.core.Principal;
import io.tether.core.TetherException;
import io.tether.store.RefreshTokenStore;
import io.tether.store.UserStore;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
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
    return register(email, password, null);
  }

  /** Registers and signs in; {@code label} names the sign-in in the sessions list (null: none). */
  public Future<Session> register(String email, String password, String label) {
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
        .compose(created -> session(userId, label));
  }

  public Future<Session> login(String email, String password) {
    return login(email, password, null);
  }

  public Future<Session> login(String email, String password, String label) {
    if (email == null || password == null) {
      return Future.failedFuture(TetherException.badRequest("email and password are required"));
    }
    String normalized = email.trim().toLowerCase(Locale.ROOT);
    return users.findByEmail(normalized).compose(found -> {
      String hash = found.map(UserStore.StoredUser::passwordHash).orElse(dummyHash);
      return hashing.executeBlocking(() -> hasher.verify(password, hash), false).compose(ok -> ok && found.isPresent()
          && found.get().passwordHash() != null
          ? session(found.get().id(), label)
          : Future.failedFuture(new TetherException(ErrorCode.UNAUTHORIZED, "invalid email or password")));
    });
  }

  /** A new pair for a valid refresh token, which stops working; a reused one revokes its family. */
  public Future<Session> refresh(String refreshToken) {
    if (refreshToken == null || refreshToken.isBlank() || refreshToken.length() > 200) {
      return Future.failedFuture(TetherException.badRequest("refreshToken is required"));
    }
    return refreshTokens.rotate(refreshToken).compose(rotation -> rotation.status() == RefreshTokenStore.Rotation.Status.ROTATED
        ? Future.succeededFuture(new Session(rotation.userId(), tokens.issue(rotation.userId(), rotation.family()), rotation.token(),
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

  /**
   * Proves the caller is the account's owner now, not only the holder of a token: by its
   * {@code password}, or (none given) by a sign-in within {@code freshSeconds}: the session's first
   * token for built-in sign-ins, the issuer's {@code auth_time} or {@code iat} for external ones.
   * 403 {@code reauthentication_required} otherwise, 403 {@code forbidden} for a wrong password.
   */
  public Future<Void> reauthenticate(Principal me, String password, int freshSeconds) {
    if (password != null) {
      if (password.length() > MAX_PASSWORD_LENGTH) {
        return Future.failedFuture(TetherException.badRequest("password must be at most " + MAX_PASSWORD_LENGTH + " characters"));
      }
      return users.passwordHashOf(me.userId()).compose(stored -> stored.isEmpty()
          ? Future.<Void>failedFuture(new TetherException(ErrorCode.REAUTHENTICATION_REQUIRED, "this account has no "
              + "password: sign in again, then repeat this within " + freshSeconds + " seconds"))
          : hashing.executeBlocking(() -> hasher.verify(password, stored.get()), false).compose(ok -> ok
              ? Future.<Void>succeededFuture() : Future.failedFuture(TetherException.forbidden("the password is wrong"))));
    }
    long oldest = System.currentTimeMillis() / 1000 - freshSeconds;
    Future<Boolean> fresh = me.sessionId() != null
        ? refreshTokens.signedInAt(me.userId(), me.sessionId()).map(at -> at.isPresent() && at.get().toEpochSecond() >= oldest)
        : Future.succeededFuture(me.authenticatedAt() >= oldest);
    return fresh.compose(ok -> ok ? Future.<Void>succeededFuture()
        : Future.failedFuture(new TetherException(ErrorCode.REAUTHENTICATION_REQUIRED, "send the password, or sign in "
            + "again and repeat this within " + freshSeconds + " seconds")));
  }

  /** The hash of a new password, on the hashing pool, after checking its length. */
  Future<String> hashNewPassword(String password) {
    try {
      validPassword(password);
    } catch (TetherException e) {
      return Future.failedFuture(e);
    }
    return hashing.executeBlocking(() -> hasher.hash(password), false);
  }

  /** A new sign-in of the user: a refresh token family and an access token of it. */
  Future<Session> session(String userId, String label) {
    return refreshTokens.issue(userId, label)
        .map(issued -> new Session(userId, tokens.issue(userId, issued.family()), issued.token(), tokens.ttlSeconds()));
  }

  /** {@code {sessions: [{id, label, createdAt, lastUsedAt, current}]}}: the user's live sign-ins (at most 100). */
  public Future<JsonObject> sessions(String userId, String currentSession) {
    return refreshTokens.sessions(userId, 100).map(rows -> {
      io.vertx.core.json.JsonArray out = new io.vertx.core.json.JsonArray();
      rows.forEach(r -> out.add(new JsonObject().put("id", r.id()).put("label", r.label())
          .put("createdAt", r.createdAt().toInstant().toString()).put("lastUsedAt", r.lastUsedAt().toInstant().toString())
          .put("current", r.id().equals(currentSession))));
      return new JsonObject().put("sessions", out);
    });
  }

  /** Ends one sign-in of the user (its refresh token stops working; access tokens run out within their TTL). */
  public Future<Void> revokeSession(String userId, String sessionId) {
    return refreshTokens.revoke(userId, sessionId).compose(found -> found ? Future.<Void>succeededFuture()
        : Future.failedFuture(TetherException.notFound("no such session")));
  }

  /** Ends every sign-in of the user but {@code keep} (the caller's own; null: all). */
  public Future<Void> revokeOtherSessions(String userId, String keep) {
    return refreshTokens.revokeOthers(userId, keep);
  }

  /**
   * Changes a built-in account's password after checking the current one, then ends every other
   * sign-in of the user. A wrong current password is a 403; an external issuer's user has none (404).
   */
  public Future<Void> changePassword(String userId, String currentSession, String current, String next) {
    try {
      validPassword(next);
    } catch (TetherException e) {
      return Future.failedFuture(e);
    }
    if (current == null || current.length() > 1024) {
      return Future.failedFuture(TetherException.badRequest("currentPassword is required"));
    }
    return users.passwordHashOf(userId).compose(stored -> stored.isEmpty()
        ? Future.<Void>failedFuture(TetherException.notFound("this account has no password (it signs in through another issuer or a provider; a password reset sets one)"))
        : hashing.executeBlocking(() -> hasher.verify(current, stored.get()), false).compose(ok -> ok
            ? hashing.executeBlocking(() -> hasher.hash(next), false)
                .compose(hash -> users.setPasswordHash(userId, hash))
                .compose(set -> refreshTokens.revokeOthers(userId, currentSession))
            : Future.failedFuture(TetherException.forbidden("the current password is wrong"))));
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

  static String validEmail(String email) {
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
