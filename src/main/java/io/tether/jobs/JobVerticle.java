package io.tether.jobs;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/**
 * Runs a {@link JobRunner} on its own event loop, apart from the API verticles: polls every
 * {@code pollMillis}, and again at once while a poll finds work.
 */
public final class JobVerticle extends VerticleBase {
  private final JobRunner runner;
  private final long pollMillis;
  private long timer;

  public JobVerticle(JobRunner runner, long pollMillis) {
    this.runner = runner;
    this.pollMillis = pollMillis;
  }

  @Override
  public Future<?> start() {
    timer = vertx.setPeriodic(pollMillis, id -> drain());
    return Future.succeededFuture();
  }

  private void drain() {
    runner.poll().onSuccess(claimed -> {
      if (claimed > 0) {
        vertx.runOnContext(v -> drain());
      }
    });
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }
}
