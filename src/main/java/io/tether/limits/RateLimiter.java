package io.tether.limits;

import io.vertx.core.Future;

/**
 * Token buckets by key (a user, an IP, an account's sign-ins). Each call takes one token if there is
 * one. Local buckets hold for one node; Redis buckets for the whole cluster.
 */
public interface RateLimiter {

  /** A bucket shape: refilled at {@code perSecond} tokens per second, holding at most {@code burst}. */
  record Bucket(double perSecond, int burst) {}

  /** Whether the call may proceed, and if not, how long until a token is available. */
  record Decision(boolean allowed, long retryAfterMillis) {
    public static final Decision ALLOW = new Decision(true, 0);

    /** Whole seconds for a {@code Retry-After} header, at least 1. */
    public long retryAfterSeconds() {
      return Math.max(1, (retryAfterMillis + 999) / 1000);
    }
  }

  /**
   * Takes {@code cost} tokens when the bucket holds at least one; what it lacks is owed (the bucket
   * goes below zero, at most a burst below), so a large batch goes through and the calls after it wait.
   */
  Future<Decision> acquire(String key, Bucket bucket, int cost);

  default Future<Decision> acquire(String key, Bucket bucket) {
    return acquire(key, bucket, 1);
  }
}
