package io.tether.core;

/**
 * Who is calling: an authenticated user, with the expiry of the token that proved it and, for a
 * built-in sign-in, the session (refresh-token family) it belongs to (null for external issuers').
 */
public record Principal(String userId, long expiresAtEpochSeconds, String sessionId) {

  public Principal(String userId, long expiresAtEpochSeconds) {
    this(userId, expiresAtEpochSeconds, null);
  }
}
