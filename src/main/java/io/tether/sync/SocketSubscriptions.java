package io.tether.sync;

import io.tether.core.DocumentFilter;
import io.tether.core.ErrorCode;
import io.tether.core.SpaceInfo;
import io.tether.core.TetherException;
import io.tether.presence.PresenceSeat;
import io.tether.presence.PresenceSink;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The subscriptions of one authenticated socket, and with each its presence seat: from subscribe
 * (checked, then started) to unsubscribe, the server ending it, or the socket closing. The only
 * caller of {@link ChangeStreams} for the native protocol. Confined to the socket's event loop.
 */
final class SocketSubscriptions {
  private static final Logger LOG = LoggerFactory.getLogger(SocketSubscriptions.class);

  private final SyncContext ctx;
  private final ChangeStreams streams;
  private final Transport transport;
  private final String userId;
  private final Map<String, Subscription> active = new HashMap<>();
  /** Spaces whose subscribe is being checked; an unsubscribe meanwhile cancels it. */
  private final Set<String> checking = new HashSet<>();
  /**
   * The latest presence state sent for a space whose subscribe is still being checked: a client
   * sends it right after subscribe, and the seat joins with it (one write, not two).
   */
  private final Map<String, JsonObject> earlyPresence = new HashMap<>();
  private boolean closed;

  SocketSubscriptions(SyncContext ctx, ChangeStreams streams, Transport transport, String userId) {
    this.ctx = ctx;
    this.streams = streams;
    this.transport = transport;
    this.userId = userId;
  }

  int count() {
    return active.size();
  }

  /** Checks the role and the cursor, then starts; {@code synced} or an error frame answers {@code id}. */
  void subscribe(Object id, String space, long since, String epoch, boolean presence, DocumentFilter filter) {
    if (active.containsKey(space) || checking.contains(space)) {
      throw new TetherException(ErrorCode.CONFLICT, "already subscribed to " + space);
    }
    int max = ctx.config().maxSubscriptions();
    if (active.size() + checking.size() >= max) {
      throw new TetherException(ErrorCode.TOO_LARGE, "at most " + max + " subscriptions per connection");
    }
    checking.add(space);
    streams.admit(space, userId).onComplete(ar -> {
      if (closed || !checking.remove(space)) {
        return; // closed or unsubscribed while we checked
      }
      JsonObject early = earlyPresence.remove(space);
      if (ar.failed()) {
        sendFailure(id, ar.cause());
      } else {
        start(id, space, since, epoch, presence, filter, ar.result(), early);
      }
    });
  }

  void unsubscribe(Object id, String space) {
    earlyPresence.remove(space);
    if (!checking.remove(space)) {
      Subscription sub = active.get(space);
      if (sub == null) {
        throw TetherException.notFound("not subscribed to " + space);
      }
      sub.end();
    }
    transport.send(Frames.unsubscribed(id, space));
  }

  /**
   * Sets this socket's presence in a space: on its seat, or, while the subscribe is still being
   * checked, kept (size-checked, the latest wins) until the seat joins.
   */
  void setPresence(String space, JsonObject state) {
    if (checking.contains(space)) {
      ctx.presence().checkState(state);
      earlyPresence.put(space, state);
      return;
    }
    seat(space).set(state);
  }

  /** The presence seat of a subscribed space. */
  PresenceSeat seat(String space) {
    Subscription sub = active.get(space);
    if (sub == null || sub.seat == null) {
      throw TetherException.notFound("no presence in " + space + ": subscribe to it (with presence) first");
    }
    return sub.seat;
  }

  /**
   * Asks again whether the user may still read each subscribed space, and ends (with the revoked
   * frame) those they may not: revocations travel on the bus, which can lose them, and one can land
   * between a subscribe's check and its start. Run on re-auth, once a subscription is live, and
   * every {@code sync.membershipRecheckSeconds}.
   */
  void recheck() {
    for (Subscription sub : new ArrayList<>(active.values())) {
      recheck(sub, true);
    }
  }

  /** {@code fresh}: ask PostgreSQL; otherwise the node's cache, which every revocation it heard cleared. */
  private void recheck(Subscription sub, boolean fresh) {
    Future<io.tether.core.Viewer> check = fresh ? ctx.reads().viewerNow(sub.space, userId) : ctx.reads().viewer(sub.space, userId);
    check.onSuccess(viewer -> {
      if (sub.ended || closed || sub.stream == null) {
        return;
      }
      io.tether.rules.Reading reading = sub.stream.reading();
      if (reading.rules().hasReadRules() && !viewer.equals(reading.viewer())) {
        // The role changed and read rules may see it: what the client holds was judged for the old
        // one. It reloads (judged for the new role) and subscribes again.
        transport.send(Frames.resyncRequired(null, sub.space, sub.stream.cursor(), sub.epoch));
        sub.end();
      }
    }).onFailure(err -> {
      if (err instanceof TetherException te && te.code() == ErrorCode.FORBIDDEN && !sub.ended && !closed) {
        transport.send(Frames.revoked(sub.space));
        sub.end();
      }
    });
  }

  /** The socket is about to close: each filtered subscription tells the client its cursor. */
  void flushCursors() {
    for (Subscription sub : active.values()) {
      if (sub.stream != null) {
        sub.stream.flushCursor();
      }
    }
  }

  void closeAll() {
    closed = true;
    checking.clear();
    earlyPresence.clear();
    new ArrayList<>(active.values()).forEach(Subscription::end);
  }

  private void start(Object id, String space, long since, String epoch, boolean presence, DocumentFilter filter,
                     ChangeStreams.Admission admission, JsonObject earlyState) {
    SpaceInfo head = admission.head();
    if (!head.canServe(since, epoch)) {
      // The cursor belongs to another life of this space, to a future it never had, or to a past
      // that was compacted away: never a partial replay.
      transport.send(Frames.resyncRequired(id, space, head.servableFrom(), head.epoch()));
      return;
    }
    Subscription sub = new Subscription(space, head.epoch());
    active.put(space, sub);
    // A socket that syncs without presence (an app in the background) neither shows nor sees who is here.
    if (presence) {
      sub.seat = ctx.presence().seat(space, userId, sub);
      sub.seat.join(earlyState);
    } else if (earlyState != null) {
      // What the same frame gets once such a subscription has started.
      transport.send(Frames.error(null, ErrorCode.NOT_FOUND, "no presence in " + space + ": subscribed without presence"));
    }
    // Seated and held first: a stream that goes live at once (a change log that answers synchronously)
    // finds its seat, and the seat finds the stream live.
    sub.stream = streams.open(userId, id, space, since, head.epoch(), admission.reading(filter), transport, sub);
    sub.stream.start();
    if (sub.ended) {
      sub.stream.stop(); // ended while it started
    }
  }

  private void sendFailure(Object id, Throwable err) {
    if (err instanceof TetherException te) {
      transport.send(Frames.error(id, te.code(), te.getMessage()));
    } else {
      LOG.warn("Subscribe failed: {}", err.toString());
      transport.send(Frames.error(id, ErrorCode.UNAVAILABLE, "temporarily unavailable; retry"));
    }
  }

  /** One space's change stream and presence seat, which start and end together. */
  private final class Subscription implements ChangeStream.Observer, PresenceSink {
    final String space;
    final String epoch;
    ChangeStream stream;
    PresenceSeat seat;
    boolean ended;

    Subscription(String space, String epoch) {
      this.space = space;
      this.epoch = epoch;
    }

    void end() {
      if (ended) {
        return;
      }
      ended = true;
      active.remove(space, this);
      if (stream != null) {
        stream.stop();
      }
      if (seat != null) {
        seat.leave();
      }
    }

    @Override
    public void onEnded() {
      end();
    }

    @Override
    public void onLive() {
      if (seat != null) {
        seat.onLive();
      }
      // A removal that landed between the subscribe's check and now was not heard by this stream, but
      // it cleared the cache: a cached check (no query, in the common case) sees it.
      recheck(this, false);
    }

    @Override
    public boolean live() {
      return stream != null && stream.live();
    }

    @Override
    public boolean queueFull() {
      return transport.writeQueueFull();
    }

    @Override
    public void send(String frame) {
      transport.send(frame);
    }
  }
}
