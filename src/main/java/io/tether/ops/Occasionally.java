package io.tether.ops;

/**
 * Lets something happen at most once per interval, from any thread: for warnings that a single
 * outage would otherwise repeat for every space, socket or timer tick.
 */
public final class Occasionally {
  private final long intervalMillis;
  private volatile long lastMillis;

  public Occasionally(long intervalMillis) {
    this.intervalMillis = intervalMillis;
  }

  /** True at most once per interval (a race may let two callers through; harmless for logging). */
  public boolean now() {
    long now = System.currentTimeMillis();
    if (now - lastMillis > intervalMillis) {
      lastMillis = now;
      return true;
    }
    return false;
  }
}
