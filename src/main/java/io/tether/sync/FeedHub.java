package io.tether.sync;

import io.tether.bus.ChangeBus;
import io.tether.ops.Metrics;
import io.tether.store.ChangeLog;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The space feeds of one event loop, reference counted: a space is subscribed on the bus while at
 * least one socket of this loop subscribes to it. Also compares the feeds with the database head
 * periodically, which finds a publish lost when a writer crashed between commit and publish.
 * Confined to its event loop.
 */
public final class FeedHub {
  private static final Logger LOG = LoggerFactory.getLogger(FeedHub.class);

  private final Vertx vertx;
  private final ChangeBus bus;
  private final ChangeLog changeLog;
  private final Metrics metrics;
  private final int pageSize;
  private final int gapGraceMillis;
  private final Map<String, SpaceFeed> feeds = new HashMap<>();
  private final long headCheckTimer;

  public FeedHub(Vertx vertx, ChangeBus bus, ChangeLog changeLog, Metrics metrics, int pageSize, int gapGraceMillis,
                 int headCheckIntervalSeconds) {
    this.vertx = vertx;
    this.bus = bus;
    this.changeLog = changeLog;
    this.metrics = metrics;
    this.pageSize = pageSize;
    this.gapGraceMillis = gapGraceMillis;
    this.headCheckTimer = vertx.setPeriodic(headCheckIntervalSeconds * 1000L, id -> checkHeads());
  }

  SpaceFeed acquire(String space) {
    SpaceFeed feed = feeds.get(space);
    if (feed == null) {
      feed = new SpaceFeed(space, vertx, bus, changeLog, metrics, pageSize, gapGraceMillis);
      feeds.put(space, feed);
      metrics.feedStarted();
      feed.start();
    }
    return feed;
  }

  void release(String space, SpaceFeed.Receiver receiver) {
    SpaceFeed feed = feeds.get(space);
    if (feed != null && feed.remove(receiver)) {
      feeds.remove(space);
      feed.stop();
      metrics.feedStopped();
    }
  }

  /** Spaces with a live feed on this loop. */
  public int activeSpaces() {
    return feeds.size();
  }

  public void close() {
    vertx.cancelTimer(headCheckTimer);
    new ArrayList<>(feeds.values()).forEach(feed -> {
      feed.stop();
      metrics.feedStopped();
    });
    feeds.clear();
  }

  private void checkHeads() {
    if (feeds.isEmpty()) {
      return;
    }
    changeLog.heads(new ArrayList<>(feeds.keySet()))
        .onSuccess(heads -> heads.forEach((space, seq) -> {
          SpaceFeed feed = feeds.get(space);
          if (feed != null) {
            feed.onHead(seq);
          }
        }))
        .onFailure(err -> LOG.warn("Head check failed: {}", err.toString()));
  }
}
