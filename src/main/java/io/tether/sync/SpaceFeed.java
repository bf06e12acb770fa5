package io.tether.sync;

import io.tether.bus.BusListener;
import io.tether.bus.ChangeBus;
import io.tether.core.ChangeFrame;
import io.tether.ops.Metrics;
import io.tether.store.ChangeLog;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live changes of one space on one event loop, in seq order with no gaps and no duplicates,
 * whatever the bus does. A change that arrives ahead of the next expected seq waits a short grace
 * period for the missing ones, then they are read from the change log. Confined to its event loop.
 */
final class SpaceFeed implements BusListener {
  private static final Logger LOG = LoggerFactory.getLogger(SpaceFeed.class);

  /** A receiver of the feed's changes, each exactly once and in order. */
  interface Receiver {
    void onLive(ChangeFrame frame);

    /** The user this receiver delivers to. */
    String userId();

    /** The user lost access to the space. */
    void revoke();

    /** The space was deleted: the receiver's last word. */
    void spaceDeleted();
  }

  private final String space;
  private final Vertx vertx;
  private final ChangeBus bus;
  private final ChangeLog changeLog;
  private final Metrics metrics;
  private final int pageSize;
  private final int gapGraceMillis;
  private final Set<Receiver> receivers = new LinkedHashSet<>();
  private final TreeMap<Long, ChangeFrame> early = new TreeMap<>();
  private final Promise<Void> ready = Promise.promise();
  private final Verdicts verdicts = new Verdicts();
  private TransitionPages transitionPages;
  private Future<ChangeBus.Subscription> subscription;
  private long lastSeq = -1;
  private boolean filling;
  private boolean fillAgain;
  private long graceTimer = -1;
  private boolean stopped;

  SpaceFeed(String space, Vertx vertx, ChangeBus bus, ChangeLog changeLog, Metrics metrics, int pageSize,
            int gapGraceMillis) {
    this.space = space;
    this.vertx = vertx;
    this.bus = bus;
    this.changeLog = changeLog;
    this.metrics = metrics;
    this.pageSize = pageSize;
    this.gapGraceMillis = gapGraceMillis;
  }

  /** Subscribes to the bus, then reads the head: every change after the head reaches this feed. */
  Future<Void> start() {
    subscription = bus.subscribe(space, this);
    subscription
        .compose(sub -> changeLog.head(space))
        .onSuccess(head -> {
          lastSeq = head.map(h -> h.seq()).orElse(0L);
          ready.tryComplete();
          releaseEarly();
        })
        .onFailure(err -> {
          LOG.warn("Feed of space {} did not start: {}", space, err.toString());
          ready.tryFail(err);
        });
    return ready.future();
  }

  /** The documents before a rules change, shared by the subscribers that meet it (made on first use). */
  TransitionPages transitionPages(io.tether.service.ReadService reads) {
    if (transitionPages == null) {
      transitionPages = new TransitionPages(vertx, reads);
    }
    return transitionPages;
  }

  /** The filtered subscribers' shared judgements of the change being delivered. */
  Verdicts verdicts() {
    return verdicts;
  }

  Future<Void> ready() {
    return ready.future();
  }

  /** The last seq delivered to receivers; -1 until the feed is ready. */
  long lastSeq() {
    return lastSeq;
  }

  void add(Receiver receiver) {
    receivers.add(receiver);
  }

  /** Removes a receiver; true if none is left. */
  boolean remove(Receiver receiver) {
    receivers.remove(receiver);
    return receivers.isEmpty();
  }

  void stop() {
    stopped = true;
    receivers.clear();
    early.clear();
    if (graceTimer >= 0) {
      vertx.cancelTimer(graceTimer);
    }
    subscription.onSuccess(ChangeBus.Subscription::unsubscribe);
  }

  @Override
  public void onChange(ChangeFrame frame) {
    if (stopped || frame.seq() <= lastSeq) {
      return;
    }
    if (frame.seq() == lastSeq + 1 && !filling) {
      deliver(frame);
      releaseEarly();
    } else {
      early.put(frame.seq(), frame);
      if (lastSeq >= 0) {
        scheduleFill(gapGraceMillis);
      }
    }
  }

  @Override
  public void onGapPossible() {
    if (lastSeq >= 0) {
      scheduleFill(0);
    }
  }

  @Override
  public void onRevoked(String userId) {
    for (Receiver r : new ArrayList<>(receivers)) {
      if (r.userId().equals(userId)) {
        r.revoke();
      }
    }
  }

  @Override
  public void onSpaceDeleted(String deleted) {
    for (Receiver r : new ArrayList<>(receivers)) {
      r.spaceDeleted();
    }
  }

  /** The database says the space is at {@code headSeq}: a publish may have been lost. */
  void onHead(long headSeq) {
    if (lastSeq >= 0 && headSeq > lastSeq) {
      scheduleFill(0);
    }
  }

  private void deliver(ChangeFrame frame) {
    lastSeq = frame.seq();
    for (Receiver r : new ArrayList<>(receivers)) {
      try {
        r.onLive(frame);
      } catch (RuntimeException e) {
        // One socket's failure must not keep the change from the sockets after it in the list.
        LOG.warn("Delivery of {}#{} to one subscriber failed: {}", frame.space(), frame.seq(), e.toString());
      }
    }
  }

  private void releaseEarly() {
    early.headMap(lastSeq, true).clear();
    while (!early.isEmpty() && early.firstKey() == lastSeq + 1) {
      deliver(early.pollFirstEntry().getValue());
    }
    if (!early.isEmpty()) {
      scheduleFill(gapGraceMillis);
    }
  }

  private void scheduleFill(int delayMillis) {
    if (stopped) {
      return;
    }
    if (filling) {
      fillAgain = true;
      return;
    }
    if (graceTimer >= 0) {
      if (delayMillis > 0) {
        return;
      }
      vertx.cancelTimer(graceTimer);
    }
    if (delayMillis == 0) {
      graceTimer = -1;
      fill();
    } else {
      graceTimer = vertx.setTimer(delayMillis, id -> {
        graceTimer = -1;
        fill();
      });
    }
  }

  private void fill() {
    if (stopped) {
      return;
    }
    filling = true;
    fillAgain = false;
    metrics.gapFilled();
    changeLog.readFramesAfter(space, lastSeq, pageSize).onComplete(ar -> {
      filling = false;
      if (stopped) {
        return;
      }
      if (ar.failed()) {
        LOG.warn("Filling a gap in space {} after seq {} failed: {}", space, lastSeq, ar.cause().toString());
        scheduleFill(Math.max(gapGraceMillis, 200));
        return;
      }
      List<ChangeFrame> changes = ar.result().items();
      for (ChangeFrame change : changes) {
        // The log is contiguous; a jump means history was compacted, and each subscription that
        // sees the jump works out for itself whether its client must resync.
        if (change.seq() > lastSeq) {
          ChangeFrame known = early.remove(change.seq());
          deliver(known != null ? known : change);
        }
      }
      if (ar.result().more() || fillAgain) {
        scheduleFill(0);
      } else {
        releaseEarly();
      }
    });
  }
}
