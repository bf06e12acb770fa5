package io.tether.limits;

import io.vertx.core.Future;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Token buckets in this process, shared by all its event loops. Idle buckets are swept on the way. */
public final class LocalRateLimiter implements RateLimiter {
  private static final int SWEEP_ABOVE = 100_000;

  private final Map<String, State> buckets = new ConcurrentHashMap<>();

  private static final class State {
    double tokens;
    long updatedNanos;
  }

  @Override
  public Future<Decision> acquire(String key, Bucket bucket, int cost) {
    long now = System.nanoTime();
    if (buckets.size() > SWEEP_ABOVE) {
      sweep(now);
    }
    State state = buckets.computeIfAbsent(key, k -> {
      State fresh = new State();
      fresh.tokens = bucket.burst();
      fresh.updatedNanos = now;
      return fresh;
    });
    synchronized (state) {
      double elapsedSeconds = (now - state.updatedNanos) / 1e9;
      state.tokens = Math.min(bucket.burst(), state.tokens + elapsedSeconds * bucket.perSecond());
      state.updatedNanos = now;
      if (state.tokens >= 1) {
        state.tokens = Math.max(state.tokens - cost, -bucket.burst());
        return Future.succeededFuture(Decision.ALLOW);
      }
      long waitMillis = (long) Math.ceil((1 - state.tokens) * 1000 / bucket.perSecond());
      return Future.succeededFuture(new Decision(false, waitMillis));
    }
  }

  /** Forgets buckets untouched for a minute: a full bucket and a missing one behave alike by then. */
  private void sweep(long now) {
    buckets.entrySet().removeIf(e -> now - e.getValue().updatedNanos > 60_000_000_000L);
  }
}
