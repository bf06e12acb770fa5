package io.tether.presence;

/** A token bucket: {@code perSecond} sends a second on average, in bursts of at most as many. Not thread-safe. */
public final class SignalBudget {
  private final double perSecond;
  private double tokens;
  private long lastNanos;

  public SignalBudget(int perSecond, long nowNanos) {
    this.perSecond = perSecond;
    this.tokens = perSecond;
    this.lastNanos = nowNanos;
  }

  /** Takes one token if there is one. */
  public boolean tryTake(long nowNanos) {
    tokens = Math.min(perSecond, tokens + (nowNanos - lastNanos) / 1e9 * perSecond);
    lastNanos = nowNanos;
    if (tokens < 1) {
      return false;
    }
    tokens -= 1;
    return true;
  }
}
