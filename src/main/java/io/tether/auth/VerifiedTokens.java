package io.tether.auth;

import io.tether.core.Principal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tokens this node has verified, until they expire. An ES256 verification costs about 1 ms of CPU on
 * Java 17 (0.4 ms on Java 25), more than everything else a socket's connect or a REST call does;
 * a phone presents the same access token on every request and every reconnect for its whole
 * lifetime, so each is verified once per node. Only successes are kept, keyed by the token's
 * SHA-256 (the token itself is never held), and only until the token's {@code exp}: the answer is
 * what verifying again would say. Bounded by count, and so in bytes (a digest and a principal each,
 * about 300 bytes); when full, expired entries go, and if none had expired, all of them. Shared by
 * the node's event loops.
 */
final class VerifiedTokens {
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  });

  private final int maxEntries;
  private final ConcurrentHashMap<String, Principal> verified = new ConcurrentHashMap<>();

  VerifiedTokens(int maxEntries) {
    this.maxEntries = maxEntries;
  }

  /** The principal of a token verified before and not yet expired, or null. */
  Principal get(String token, long nowEpochSeconds) {
    if (maxEntries == 0) {
      return null;
    }
    String key = key(token);
    Principal p = verified.get(key);
    if (p != null && p.expiresAtEpochSeconds() <= nowEpochSeconds) {
      verified.remove(key, p);
      return null;
    }
    return p;
  }

  void put(String token, Principal principal, long nowEpochSeconds) {
    if (maxEntries == 0) {
      return;
    }
    if (verified.size() >= maxEntries) {
      verified.values().removeIf(p -> p.expiresAtEpochSeconds() <= nowEpochSeconds);
      if (verified.size() >= maxEntries) {
        verified.clear();
      }
    }
    verified.put(key(token), principal);
  }

  int size() {
    return verified.size();
  }

  private static String key(String token) {
    return Base64.getUrlEncoder().withoutPadding()
        .encodeToString(SHA256.get().digest(token.getBytes(StandardCharsets.US_ASCII)));
  }
}
