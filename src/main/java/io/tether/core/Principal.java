package io.tether.core;

/**
 * Who is calling: an authenticated user, with the expiry of the token that proved it and, for a
 * built-in sign-in, the session (refresh-token family) it belongs to (null for external issuers').
 * {@code authenticatedAt} is when an external issuer's user last signed in there ({@code auth_time},
 * else {@code iat}; epoch seconds), 0 for built-in tokens, whose sign-in time is their session's.
 */
public record Principal(String userId, long expiresAtEpochSeconds, String sessionId, long authenticatedAt) {

  public Principal(String userId, long expiresAtEpochSeconds) {
    this(userId, expiresAtEpochSeconds, null, 0);
  }

  public Principal(String userId, long expiresAtEpochSeconds, String sessionId) {
    this(userId, expiresAtEpochSeconds, sessionId, 0);
  }
}
