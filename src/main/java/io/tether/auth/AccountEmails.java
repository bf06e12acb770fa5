package io.tether.auth;

import io.tether.config.TetherConfig;
import io.tether.core.ErrorCode;
import io.tether.core.SecretCodes;
import io.tether.core.TetherException;
import io.tether.mail.Outbox;
import io.tether.store.EmailCodeStore;
import io.tether.store.UserStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * What built-in accounts do through their email: reset a forgotten password and verify the address.
 * Each sends a single-use code of 256 random bits, kept hashed, that works for a short while. A reset
 * request's answer never depends on whether the address has an account (see {@link #requestReset}).
 */
public final class AccountEmails {
  private static final int CODE_BYTES = 32;

  private final AccountService accounts;
  private final UserStore users;
  private final EmailCodeStore codes;
  private final Outbox outbox;
  private final TetherConfig.Server server;
  private final TetherConfig.Mail mail;

  /** {@code outbox} null: this node sends no email, and every route of it answers 503. */
  public AccountEmails(AccountService accounts, UserStore users, EmailCodeStore codes, Outbox outbox,
                       TetherConfig.Server server, TetherConfig.Mail mail) {
    this.accounts = accounts;
    this.users = users;
    this.codes = codes;
    this.outbox = outbox;
    this.server = server;
    this.mail = mail;
  }

  /** The address as accounts store it, or 400: checked before anything is counted or looked up by it. */
  public static String address(String email) {
    return AccountService.validEmail(email);
  }

  /**
   * Sends a reset code to {@code email} if an account has it. The caller answers before this
   * completes (202 either way), so neither the answer nor its timing tells whether the account exists;
   * the future completes when the email is handed on, or at once for an unknown address.
   */
  public Future<Void> requestReset(String email) {
    return available().compose(ok -> users.findByEmail(email)).compose(found -> {
      if (found.isEmpty()) {
        return Future.succeededFuture();
      }
      String code = SecretCodes.random(CODE_BYTES);
      return codes.issue(SecretCodes.hash(code), found.get().id(), EmailCodeStore.Purpose.RESET, email,
              mail.resetCodeMinutes() * 60)
          .compose(kept -> outbox.post("password-reset", email, Map.of("appName", mail.appName(), "email", email,
              "code", code, "link", server.link(mail.resetUrl(), code), "minutes", Integer.toString(mail.resetCodeMinutes()))));
    });
  }

  /**
   * Sets a new password with a reset code, ends every sign-in of the account, and signs this device
   * in. The code works once; the password is checked and hashed before the code is spent.
   */
  public Future<AccountService.Session> reset(String code, String password, String label) {
    if (!SecretCodes.wellFormed(code, CODE_BYTES)) {
      return Future.failedFuture(TetherException.notFound("no such code"));
    }
    return accounts.hashNewPassword(password)
        .compose(hash -> codes.resetPassword(SecretCodes.hash(code), hash))
        .compose(used -> accounts.session(used.userId(), label));
  }

  /** Sends the caller a verification code: 409 if the email is verified already, 404 for an account without one. */
  public Future<Void> requestVerification(String userId) {
    return available().compose(ok -> users.emailOf(userId)).compose(found -> {
      if (found.isEmpty()) {
        return Future.failedFuture(TetherException.notFound("this account has no email (it signs in through another issuer)"));
      }
      if (found.get().verified()) {
        return Future.failedFuture(new TetherException(ErrorCode.CONFLICT, "this email is verified already"));
      }
      String email = found.get().address();
      String code = SecretCodes.random(CODE_BYTES);
      return codes.issue(SecretCodes.hash(code), userId, EmailCodeStore.Purpose.VERIFY, email, mail.verifyCodeHours() * 3600)
          .map(kept -> {
            outbox.post("verify-email", email, Map.of("appName", mail.appName(), "email", email, "code", code,
                "link", server.link(mail.verifyUrl(), code), "hours", Integer.toString(mail.verifyCodeHours())));
            return null;
          });
    });
  }

  /** {@code {email, emailVerified: true}}: the code's account now has a verified email. No sign-in needed. */
  public Future<JsonObject> verify(String code) {
    if (!SecretCodes.wellFormed(code, CODE_BYTES)) {
      return Future.failedFuture(TetherException.notFound("no such code"));
    }
    return codes.verifyEmail(SecretCodes.hash(code))
        .map(used -> new JsonObject().put("email", used.email()).put("emailVerified", true));
  }

  /**
   * Hands an invitation to {@code email} to the outbox: succeeds once it is on its way (not once
   * SMTP took it), fails when this server sends no email or cannot take more now.
   */
  public Future<Void> sendInvite(String email, String code, String spaceName, String inviter, String role, int hours) {
    if (outbox == null) {
      return Future.failedFuture(new TetherException(ErrorCode.UNAVAILABLE, "this server sends no email"));
    }
    Future<Void> sending = outbox.postBulk("invite", email, Map.of("appName", mail.appName(), "email", email, "code", code,
        "link", server.link(server.inviteUrl(), code), "space", spaceName, "inviter", inviter, "role", role,
        "hours", Integer.toString(hours)));
    return sending.failed() ? sending : Future.succeededFuture();
  }

  /** The account's address (404 for an account without one), for counting what is sent to it. */
  public Future<String> emailOf(String userId) {
    return users.emailOf(userId).compose(found -> found.isPresent() ? Future.succeededFuture(found.get().address())
        : Future.failedFuture(TetherException.notFound("this account has no email (it signs in through another issuer)")));
  }

  /**
   * Succeeds when this node sends email and has room for one more now; otherwise 503 (with
   * {@code retryAfter} when it is only busy). Asked before any account is looked up, so the answer
   * tells nothing of the address.
   */
  public Future<Void> available() {
    if (outbox == null) {
      return Future.failedFuture(new TetherException(ErrorCode.UNAVAILABLE,
          "this server sends no email (mail.host is not configured), so it cannot reset passwords or verify addresses"));
    }
    return outbox.full()
        ? Future.failedFuture(new TetherException(ErrorCode.UNAVAILABLE, "too many emails are on their way; ask again shortly",
            new io.vertx.core.json.JsonObject().put("retryAfter", 5)))
        : Future.succeededFuture();
  }
}
