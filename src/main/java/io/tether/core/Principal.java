package io.tether.core;

/** Who is calling: an authenticated user, with the expiry of the token that proved it. */
public record Principal(String userId, long expiresAtEpochSeconds) {}
