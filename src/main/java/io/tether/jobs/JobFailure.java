package io.tether.jobs;

/**
 * Why an attempt failed, as the handler classifies it: {@code retry} (the other side may recover:
 * 5xx, 429, a network error; {@code retryAfterMillis} when it said when) or not (a 4xx that will not
 * change: the job goes to the dead letters at once).
 */
public final class JobFailure extends RuntimeException {
  private final boolean retry;
  private final long retryAfterMillis;

  private JobFailure(String message, boolean retry, long retryAfterMillis) {
    super(message, null, false, false);
    this.retry = retry;
    this.retryAfterMillis = retryAfterMillis;
  }

  public static JobFailure retry(String message, long retryAfterMillis) {
    return new JobFailure(message, true, retryAfterMillis);
  }

  public static JobFailure permanent(String message) {
    return new JobFailure(message, false, 0);
  }

  /** An HTTP Retry-After in seconds, as milliseconds (the HTTP-date form is rare here and reads as 0). */
  public static long retryAfterMillis(String header) {
    if (header == null) {
      return 0;
    }
    try {
      return Math.max(0, Long.parseLong(header.trim())) * 1000;
    } catch (NumberFormatException httpDate) {
      return 0;
    }
  }

  public boolean retryable() {
    return retry;
  }

  public long retryAfterMillis() {
    return retryAfterMillis;
  }
}
