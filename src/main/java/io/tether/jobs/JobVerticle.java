package io.tether.jobs;

import io.tether.ops.Occasionally;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link JobRunner} on its own event loop, apart from the API verticles: polls every
 * {@code pollMillis}, and again at once while a poll finds work.
 */
public final class JobVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(JobVerticle.class);

  private final JobRunner runner;
  private final long pollMillis;
  private long timer;
  private final Occasionally failureWarnings = new Occasionally(60_000);

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
    runner.poll()
        .onSuccess(claimed -> {
          if (claimed > 0) {
            vertx.runOnContext(v -> drain());
          }
        })
        .onFailure(err -> {
          // PostgreSQL down: polling goes on every pollMillis; say so once a minute, not every poll.
          if (failureWarnings.now()) {
            LOG.warn("Cannot claim background jobs: {}", err.toString());
          }
        });
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }
}
