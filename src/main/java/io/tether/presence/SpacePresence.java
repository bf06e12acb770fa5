package io.tether.presence;

import io.tether.bus.BusListener;
import io.tether.bus.ChangeBus;
import io.tether.core.ChangeFrame;
import io.tether.ops.Occasionally;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The presence of one space on one event loop: a {@link PresenceView} loaded from the store, kept
 * current by the presence messages on the space's bus channel and compared with the store on every
 * {@link #reconcile} (which also finds the sockets of nodes that died, and what a bus outage hid).
 * Diffs and signals go to the seats of this loop's sockets in the space. It listens to the same bus
 * channel as the space's change feed, but never touches the ordering of changes.
 *
 * <p>Diffs are sent at most every {@link #BATCH_MILLIS}, as the difference between what was last
 * sent and what is now: a thousand sockets reconnecting to a busy space make a few frames per
 * socket, not a thousand. A new subscriber's presence_state is what was last sent, so the diffs
 * after it apply to it exactly. Confined to its event loop.
 */
final class SpacePresence implements BusListener {
  private static final Logger LOG = LoggerFactory.getLogger(SpacePresence.class);
  static final long BATCH_MILLIS = 50;
  /** Above the listed members only the count changes: sockets hear of it at most this often. */
  static final long COUNT_MILLIS = 1000;
  private static final Occasionally READ_WARNINGS = new Occasionally(60_000);

  private final String space;
  private final PresenceStore store;
  private final PresenceView view;
  private final Set<PresenceSeat> seats = new LinkedHashSet<>();
  private final Future<ChangeBus.Subscription> subscription;
  private final Promise<Void> loaded = Promise.promise();
  private final Vertx vertx;
  private final long ttlMillis;
  private final int maxListed;
  /** The listed members as last sent: at most maxListed, those listed earlier keep their place. */
  private Map<String, Member> sent = new LinkedHashMap<>();
  private int sentCount;
  private long countSentAt;
  private long flushTimer = -1;
  private boolean reconciling;
  private boolean stopped;

  /** Subscribes to the space's bus channel, then loads the view: no presence message is missed. */
  SpacePresence(String space, Vertx vertx, ChangeBus bus, PresenceStore store, long ttlMillis, int maxListed) {
    this.maxListed = maxListed;
    this.vertx = vertx;
    this.space = space;
    this.store = store;
    this.view = new PresenceView(2 * ttlMillis);
    this.ttlMillis = ttlMillis;
    this.subscription = bus.subscribe(space, this);
    subscription.onSuccess(sub -> reconcile());
  }

  void add(PresenceSeat seat) {
    seats.add(seat);
  }

  /** Removes a seat; true if none is left. */
  boolean remove(PresenceSeat seat) {
    seats.remove(seat);
    return seats.isEmpty();
  }

  /** Completes once the view has been loaded from the store (or the first attempt failed: then it fills in later). */
  Future<Void> ready() {
    return loaded.future();
  }

  /** The listed members as last sent to the receivers. */
  List<Member> members() {
    return List.copyOf(sent.values());
  }

  /** How many members there were when the diffs were last sent. */
  int count() {
    return sentCount;
  }

  void stop() {
    stopped = true;
    seats.clear();
    if (flushTimer >= 0) {
      vertx.cancelTimer(flushTimer);
    }
    subscription.onSuccess(ChangeBus.Subscription::unsubscribe);
  }

  @Override
  public void onChange(ChangeFrame frame) {
    // the space's change feed orders changes; presence has no use for them
  }

  @Override
  public void onGapPossible() {
    reconcile(); // messages may have been lost while the bus was away: the store settles it
  }

  @Override
  public void onRevoked(String userId) {
    // the user's subscription ends, and with it their seat
  }

  @Override
  public void onEphemeral(JsonObject message) {
    onMessage(message);
  }

  /** Reads the store and settles every difference; call once the bus subscription is active. */
  void reconcile() {
    if (reconciling || stopped) {
      return;
    }
    reconciling = true;
    long readTick = view.tick();
    // A read that never answers must not stop every later comparison (nor keep new sockets from
    // their presence_state): it counts as failed after a third of the time to live, and the next
    // round reads again.
    io.vertx.core.Promise<List<PresenceEntry>> read = io.vertx.core.Promise.promise();
    long timer = vertx.setTimer(Math.max(1000, ttlMillis / 3), id ->
        read.tryFail(new java.util.concurrent.TimeoutException("no answer within " + Math.max(1000, ttlMillis / 3) + " ms")));
    store.list(space).onComplete(ar -> {
      vertx.cancelTimer(timer);
      if (ar.succeeded()) {
        read.tryComplete(ar.result());
      } else {
        read.tryFail(ar.cause());
      }
    });
    read.future().onComplete(ar -> {
      reconciling = false;
      if (stopped) {
        return;
      }
      if (ar.succeeded()) {
        emit(view.reconcile(ar.result(), readTick, System.currentTimeMillis()));
      } else if (READ_WARNINGS.now()) {
        // While Redis is down every space's comparison fails at once: one line a minute says so.
        LOG.warn("Could not read the presence of space {} (nor perhaps of others): {}", space, ar.cause().toString());
      }
      if (!loaded.future().isComplete()) {
        flush(); // the first load is what new subscribers see, at once
        loaded.complete();
      }
    });
  }

  private void onMessage(JsonObject message) {
    if (stopped) {
      return;
    }
    if (PresenceService.isSignal(message)) {
      if (message.getValue("connection") instanceof String from) {
        String frame = PresenceService.signalFrame(message);
        for (PresenceSeat seat : new ArrayList<>(seats)) {
          seat.onSignal(from, frame);
        }
      }
      return;
    }
    if (!PresenceService.isPresence(message)) {
      return;
    }
    PresenceEntry entry = PresenceService.entryOf(message);
    String leaving = PresenceService.leaveOf(message);
    if (entry != null) {
      emit(view.put(entry));
    } else if (leaving != null) {
      emit(view.leave(leaving, System.currentTimeMillis()));
    }
  }

  private void emit(PresenceDiff diff) {
    if (!diff.isEmpty() && flushTimer < 0 && loaded.future().isComplete()) {
      flushTimer = vertx.setTimer(BATCH_MILLIS, id -> {
        flushTimer = -1;
        flush();
      });
    }
  }

  private void flush() {
    if (stopped) {
      return;
    }
    Map<String, Member> all = new LinkedHashMap<>();
    view.members().forEach(m -> all.put(m.userId(), m));
    // Those listed keep their place while present; free places go to others in the view's order.
    Map<String, Member> now = new LinkedHashMap<>();
    sent.keySet().stream().filter(all::containsKey).forEach(userId -> now.put(userId, all.get(userId)));
    for (Member m : all.values()) {
      if (now.size() >= maxListed) {
        break;
      }
      now.putIfAbsent(m.userId(), m);
    }
    List<Member> joins = new ArrayList<>();
    List<Member> updates = new ArrayList<>();
    List<String> leaves = new ArrayList<>();
    now.forEach((userId, member) -> {
      Member before = sent.get(userId);
      if (before == null) {
        joins.add(member);
      } else if (!before.equals(member)) {
        updates.add(member);
      }
    });
    sent.keySet().stream().filter(userId -> !now.containsKey(userId)).forEach(leaves::add);
    PresenceDiff diff = new PresenceDiff(joins, leaves, updates);
    int count = all.size();
    if (diff.isEmpty() && count == sentCount) {
      return;
    }
    long nowMillis = System.currentTimeMillis();
    if (diff.isEmpty() && nowMillis - countSentAt < COUNT_MILLIS) {
      // Only the count moved (a join storm past the listed members): one frame a second, not one a batch.
      if (flushTimer < 0) {
        flushTimer = vertx.setTimer(COUNT_MILLIS - (nowMillis - countSentAt), id -> {
          flushTimer = -1;
          flush();
        });
      }
      return;
    }
    sent = now;
    sentCount = count;
    countSentAt = nowMillis;
    String frame = diff.toFrame(space, count);
    for (PresenceSeat seat : new ArrayList<>(seats)) {
      seat.onDiff(frame);
    }
  }
}
