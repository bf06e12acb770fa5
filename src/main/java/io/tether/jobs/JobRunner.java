package io.tether.jobs;

import io.tether.ops.Metrics;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claims runnable jobs while fewer than {@code concurrency} are in flight on this node, runs each
 * with the handler of its kind, and records the outcome: done (deleted), retried later with
 * backoff (at least what the other side asked for), or buried as dead after {@code maxAttempts}
 * or a permanent failure. Runs on one event loop.
 */
public final class JobRunner {
  private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);

  private final JobQueue queue;
  private final Map<String, JobHandler> handlers;
  private final int concurrency;
  private final int maxAttempts;
  private final int leaseSeconds;
  private final Backoff backoff;
  private final Metrics metrics;
  private int inFlight;
  private boolean claiming;

  public JobRunner(JobQueue queue, Map<String, JobHandler> handlers, int concurrency, int maxAttempts, int leaseSeconds,
                   Backoff backoff, Metrics metrics) {
    this.queue = queue;
    this.handlers = handlers;
    this.concurrency = concurrency;
    this.maxAttempts = maxAttempts;
    this.leaseSeconds = leaseSeconds;
    this.backoff = backoff;
    this.metrics = metrics;
  }

  /** Claims what there is room for; completes with how many were claimed. */
  public Future<Integer> poll() {
    int room = concurrency - inFlight;
    if (room <= 0 || claiming) {
      return Future.succeededFuture(0);
    }
    claiming = true;
    return queue.claim(room, leaseSeconds)
        .onComplete(ar -> claiming = false)
        .map(jobs -> {
          jobs.forEach(this::run);
          return jobs.size();
        });
  }

  public int inFlight() {
    return inFlight;
  }

  private void run(JobQueue.Job job) {
    inFlight++;
    JobHandler handler = handlers.get(job.kind());
    Future<Void> attempt = handler == null
        ? Future.failedFuture(JobFailure.permanent("no handler for jobs of kind " + job.kind()))
        : handler.attempt(job);
    attempt.transform(ar -> settle(job, ar.cause()))
        .onFailure(err -> LOG.warn("Could not record the outcome of job {} ({}): {}; its lease will expire and it runs again",
            job.id(), job.kind(), err.toString()))
        .onComplete(ar -> inFlight--);
  }

  private Future<Void> settle(JobQueue.Job job, Throwable failure) {
    if (failure == null) {
      metrics.jobFinished(job.kind(), "done");
      return queue.done(job);
    }
    boolean retryable = !(failure instanceof JobFailure f) || f.retryable();
    String error = failure.getMessage() == null ? failure.toString() : failure.getMessage();
    if (!retryable || job.attempt() >= maxAttempts) {
      LOG.warn("Job {} ({}) is dead after {} attempts: {}", job.id(), job.kind(), job.attempt(), error);
      metrics.jobFinished(job.kind(), "dead");
      return queue.bury(job, error);
    }
    long asked = failure instanceof JobFailure f ? f.retryAfterMillis() : 0;
    metrics.jobFinished(job.kind(), "retry");
    return queue.retryLater(job, backoff.delayMillis(job.attempt(), asked), error);
  }

  /** The kinds this runner knows, for logs. */
  public List<String> kinds() {
    return List.copyOf(handlers.keySet());
  }
}
