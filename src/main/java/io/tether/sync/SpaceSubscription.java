package io.tether.sync;

import io.tether.core.ChangeFrame;
import io.tether.core.ErrorCode;
import io.tether.ops.Metrics;
import io.tether.service.ReadService;
import io.tether.store.ChangeLog;
import io.vertx.core.Future;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One socket's subscription to one space. Sends every change after its cursor exactly once, in order:
 * first from the change log (catch-up), then live from the {@link SpaceFeed}. While it catches up it
 * ignores live changes instead of holding them, and goes live only when its cursor has reached the
 * feed's; so its memory stays bounded. A socket that stops reading falls back to catch-up mode
 * (lagging) and resumes from the change log when it drains. Confined to the socket's event loop.
 */
final class SpaceSubscription implements SpaceFeed.Receiver {
  private static final Logger LOG = LoggerFactory.getLogger(SpaceSubscription.class);

  private enum State { CATCHING_UP, LIVE, LAGGING, CLOSED }

  private final String space;
  private final String userId;
  private final Object requestId;
  private final String epoch;
  private final Transport transport;
  private final SpaceFeed feed;
  private final ChangeLog changeLog;
  private final int pageSize;
  private final ChangeStream.Observer observer;
  private final Metrics metrics;
  private final Filtered filtered;
  private final ReadService reads;
  // Made once: a filtered subscription hands them over for every change it skips.
  private final java.util.function.LongConsumer sendCursor;
  private final java.util.function.BooleanSupplier open;
  private long cursor;
  private State state = State.CATCHING_UP;
  private boolean syncedSent;

  SpaceSubscription(String space, String userId, Object requestId, long since, String epoch, Transport transport, SpaceFeed feed,
                    ChangeLog changeLog, int pageSize, Metrics metrics, ChangeStream.Observer observer, Filtered filtered,
                    ReadService reads) {
    this.metrics = metrics;
    this.filtered = filtered;
    this.reads = reads;
    this.sendCursor = seq -> transport.send(Frames.cursor(space, seq));
    this.open = () -> state != State.CLOSED;
    this.space = space;
    this.userId = userId;
    this.requestId = requestId;
    this.cursor = since;
    this.epoch = epoch;
    this.transport = transport;
    this.feed = feed;
    this.changeLog = changeLog;
    this.pageSize = pageSize;
    this.observer = observer;
  }

  /** Starts the catch-up; the subscription must already be registered with its feed. */
  void start() {
    Future<Void> ready = feed.ready();
    if (ready.isComplete()) {
      startWithFeed(ready.succeeded());
    } else {
      // Wait for the feed (one bus subscribe and one head read for the whole loop) rather than read
      // the change log beside it: a storm of sockets into a space nobody on this loop followed yet
      // would otherwise send one catch-up query each.
      ready.onComplete(ar -> startWithFeed(ar.succeeded()));
    }
  }

  private void startWithFeed(boolean feedReady) {
    if (state == State.CLOSED) {
      return;
    }
    if (!feedReady) {
      fail();
      return;
    }
    // A subscriber already at the seq the feed has delivered (a phone reconnecting to a quiet space,
    // most of a connect storm) needs nothing from the change log: every later change reaches it live.
    if (feed.lastSeq() == cursor) {
      goLiveOrContinue();
    } else {
      catchUp();
    }
  }

  void close() {
    state = State.CLOSED;
    filtered.cancel();
  }

  /** The socket is about to close: a filtered subscriber hears how far it has got. */
  void flushCursor() {
    if (state != State.CLOSED) {
      filtered.flush(sendCursor);
    }
  }

  /** Writes what the change means to this subscriber: the change, a leave, or nothing. */
  private void write(ChangeFrame change) {
    if (!filtered.narrowed()) {
      transport.sendEncoded(change.utf8());
      return;
    }
    switch (filtered.judge(change)) {
      case DELIVER -> {
        transport.sendEncoded(change.utf8());
        filtered.told(change.seq());
      }
      case LEAVE -> {
        transport.send(Frames.leave(change));
        filtered.told(change.seq());
      }
      case SKIP -> filtered.skipped(change.seq(), sendCursor, open);
    }
  }

  io.tether.rules.Reading reading() {
    return filtered.reading();
  }

  boolean live() {
    return state == State.LIVE;
  }

  @Override
  public String userId() {
    return userId;
  }

  @Override
  public void revoke() {
    if (state != State.CLOSED) {
      transport.send(Frames.revoked(space));
      observer.onEnded();
    }
  }

  @Override
  public void spaceDeleted() {
    if (state != State.CLOSED) {
      transport.send(Frames.spaceDeleted(space));
      observer.onEnded();
    }
  }

  long cursor() {
    return cursor;
  }

  @Override
  public void onLive(ChangeFrame frame) {
    if (state != State.LIVE || frame.seq() <= cursor) {
      return;
    }
    if (frame.seq() != cursor + 1) {
      catchUp(); // cannot happen while the feed is contiguous; the change log settles it either way
      return;
    }
    if (frame.isRules()) {
      state = State.CATCHING_UP; // live changes meanwhile are read from the log afterwards
      transition(frame);
      return;
    }
    if (transport.writeQueueFull()) {
      state = State.LAGGING;
      metrics.slowConsumer();
      transport.whenDrained(this::catchUp);
      return;
    }
    write(frame);
    cursor = frame.seq();
    metrics.delivered(frame.commitMillis());
  }

  private void catchUp() {
    if (state == State.CLOSED) {
      return;
    }
    state = State.CATCHING_UP;
    changeLog.readFramesAfter(space, cursor, pageSize, filtered.narrowed()).onComplete(ar -> {
      if (state == State.CLOSED) {
        return;
      }
      if (ar.failed()) {
        LOG.warn("Catch-up of space {} after {} failed: {}", space, cursor, ar.cause().toString());
        fail();
        return;
      }
      List<ChangeFrame> page = ar.result().items();
      boolean more = ar.result().more();
      if (!page.isEmpty() && page.get(0).seq() != cursor + 1) {
        // History after the cursor was compacted away: never a partial replay.
        transport.send(Frames.resyncRequired(null, space, page.get(0).seq() - 1, epoch));
        observer.onEnded();
        return;
      }
      int sent = 0;
      for (ChangeFrame change : page) {
        if (change.isRules()) {
          metrics.deliveredFromLog(sent);
          transition(change);
          return;
        }
        write(change);
        cursor = change.seq();
        sent++;
        if (transport.writeQueueFull()) {
          state = State.LAGGING;
          metrics.deliveredFromLog(sent);
          metrics.slowConsumer();
          transport.whenDrained(this::catchUp);
          return;
        }
      }
      metrics.deliveredFromLog(sent);
      metrics.caughtUp(sent);
      if (more) {
        catchUp();
      } else {
        feed.ready().onComplete(r -> {
          if (r.succeeded()) {
            goLiveOrContinue();
          } else {
            fail();
          }
        });
      }
    });
  }

  /**
   * The space's rules change at {@code change}: tell the client what it now sees and no longer sees,
   * then go on from the change's seq under the new rules (the log first, then live).
   */
  private void transition(ChangeFrame change) {
    io.tether.rules.Reading before = filtered.reading();
    io.tether.rules.Reading after = before.under(reads.compileRules(change.after()));
    new RulesTransition(feed.transitionPages(reads), transport, change, before, after, open).run().onComplete(ar -> {
      if (state == State.CLOSED) {
        return;
      }
      if (ar.failed()) {
        LOG.warn("The rules change {} could not be told to a subscriber: {}", change, ar.cause().toString());
        fail();
        return;
      }
      filtered.reading(after);
      cursor = change.seq();
      filtered.told(change.seq());
      transport.send(Frames.cursor(space, change.seq()));
      if (transport.writeQueueFull()) {
        state = State.LAGGING;
        transport.whenDrained(this::catchUp);
      } else {
        catchUp();
      }
    });
  }

  /** The subscription cannot go on (the database or bus is unavailable): the client subscribes again. */
  private void fail() {
    if (state != State.CLOSED) {
      transport.send(Frames.error(requestId, ErrorCode.UNAVAILABLE, "subscription to " + space + " ended; subscribe again"));
      observer.onEnded();
    }
  }

  private void goLiveOrContinue() {
    if (state != State.CATCHING_UP) {
      return;
    }
    if (feed.lastSeq() > cursor) {
      catchUp(); // the feed moved on while we read: read the rest before going live
      return;
    }
    state = State.LIVE;
    if (!syncedSent) {
      syncedSent = true;
      transport.send(Frames.synced(requestId, space, cursor, epoch));
    }
    observer.onLive();
  }
}
