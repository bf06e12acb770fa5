package io.tether.webhooks;

import io.tether.core.TetherException;
import io.tether.jobs.JobFailure;

/** How a failed outbound attempt counts for its job: a target refused by the rules is final, the rest is retried. */
public final class OutboundFailures {
  private OutboundFailures() {}

  public static RuntimeException of(String target, Throwable err) {
    if (err instanceof TetherException refused) {
      // The URL now resolves into a private network or not at all: retrying the same lookup soon will
      // not help; the job is dead (and can be retried from /admin/jobs once DNS is fixed).
      return JobFailure.permanent(target + " refused: " + refused.getMessage());
    }
    return JobFailure.retry(target + " unreachable: " + err.getMessage(), 0);
  }
}
