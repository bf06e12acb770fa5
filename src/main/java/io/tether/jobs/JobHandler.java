package io.tether.jobs;

import io.vertx.core.Future;

/** Does one attempt of one kind of job; fails with a {@link JobFailure} to say whether to retry. */
@FunctionalInterface
public interface JobHandler {
  Future<Void> attempt(JobQueue.Job job);
}
