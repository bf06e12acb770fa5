package io.tether.auth;

import io.tether.core.Principal;
import io.vertx.core.Vertx;
import java.util.function.LongConsumer;

/**
 * How long a socket may stay authenticated: warns {@link #WARNING_SECONDS} before the token expires
 * (so the client can send a fresh one) and ends the socket when it does. A token presented again is
 * not warned about again, so a client that cannot refresh yet does not loop. Used by every socket
 * protocol (native sync, GraphQL). Confined to the socket's event loop.
 */
public final class TokenLease {
  public static final long WARNING_SECONDS = 60;

  private final Vertx vertx;
  private final LongConsumer onExpiring;
  private final Runnable onExpired;
  private long warningTimer = -1;
  private long expiryTimer = -1;
  private long warnedExpiry = -1;

  /** {@code onExpiring} gets the expiry in epoch seconds; {@code onExpired} ends the socket. */
  public TokenLease(Vertx vertx, LongConsumer onExpiring, Runnable onExpired) {
    this.vertx = vertx;
    this.onExpiring = onExpiring;
    this.onExpired = onExpired;
  }

  /** Starts, or restarts with a fresh token, the countdown to {@code principal}'s expiry. */
  public void renew(Principal principal) {
    cancel();
    long expiresAt = principal.expiresAtEpochSeconds();
    long remainingMillis = expiresAt * 1000L - System.currentTimeMillis();
    long warnInMillis = remainingMillis - WARNING_SECONDS * 1000L;
    if (warnInMillis > 0) {
      warningTimer = vertx.setTimer(warnInMillis, id -> {
        warningTimer = -1;
        warn(expiresAt);
      });
    } else {
      warn(expiresAt);
    }
    expiryTimer = vertx.setTimer(Math.max(1, remainingMillis), id -> {
      expiryTimer = -1;
      onExpired.run();
    });
  }

  public void cancel() {
    if (warningTimer >= 0) {
      vertx.cancelTimer(warningTimer);
    }
    if (expiryTimer >= 0) {
      vertx.cancelTimer(expiryTimer);
    }
    warningTimer = expiryTimer = -1;
  }

  private void warn(long expiresAt) {
    if (warnedExpiry != expiresAt) {
      warnedExpiry = expiresAt;
      onExpiring.accept(expiresAt);
    }
  }
}
