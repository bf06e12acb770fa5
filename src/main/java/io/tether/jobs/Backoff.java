package io.tether.jobs;

import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with full jitter: attempt n waits a random time below min(max, base × 2^(n-1)). */
public record Backoff(long baseMillis, long maxMillis) {

  public long delayMillis(int attempt, long atLeastMillis) {
    long ceiling = Math.min(maxMillis, baseMillis << Math.min(30, Math.max(0, attempt - 1)));
    long jittered = ThreadLocalRandom.current().nextLong(Math.max(1, ceiling) + 1);
    return Math.max(atLeastMillis, jittered);
  }
}
