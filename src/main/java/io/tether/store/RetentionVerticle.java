package io.tether.store;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the {@link RetentionJob} periodically; deployed as a worker, away from the API event loops. */
public final class RetentionVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(RetentionVerticle.class);

  private final RetentionJob job;
  private final long intervalMillis;
  private boolean running;

  public RetentionVerticle(RetentionJob job, long intervalMillis) {
    this.job = job;
    this.intervalMillis = intervalMillis;
  }

  @Override
  public Future<?> start() {
    vertx.setPeriodic(intervalMillis, intervalMillis, id -> run());
    return Future.succeededFuture();
  }

  private void run() {
    if (running) {
      return; // the previous run is still going; skip rather than pile up
    }
    running = true;
    job.runOnce()
        .onSuccess(stats -> {
          if (stats.changesDeleted() > 0 || stats.mutationsForgotten() > 0) {
            LOG.info("Retention: compacted {} spaces, deleted {} changes, forgot {} mutation records",
                stats.spacesCompacted(), stats.changesDeleted(), stats.mutationsForgotten());
          }
        })
        .onFailure(err -> LOG.warn("Retention run failed: {}", err.toString()))
        .onComplete(ar -> running = false);
  }
}
