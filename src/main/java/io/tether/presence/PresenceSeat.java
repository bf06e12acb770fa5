package io.tether.presence;

import io.tether.core.ErrorCode;
import io.tether.core.TetherException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One socket's place in one space's presence, from subscribe to unsubscribe or close: its entry in
 * the store, and the presence frames its socket receives. Its writes to the store go one after
 * another, so a leave can never overtake the join before it. The socket's first presence frame is
 * the space's presence_state, sent when its subscription first goes live ({@link #onLive()}); diffs
 * follow it, and a diff it could not take makes the next {@code onLive} send a fresh state. Signals are
 * ephemeral: a socket that cannot take one now misses it. Confined to the socket's event loop.
 */
public final class PresenceSeat {
  private static final Logger LOG = LoggerFactory.getLogger(PresenceSeat.class);

  private final PresenceHub hub;
  private final PresenceService service;
  private final PresenceSink sink;
  private final String space;
  private final String userId;
  private final String connection;
  private final SignalBudget budget;
  private Future<Void> last;
  private String displayName;
  private long rev;
  private boolean left;
  private SpacePresence presence;
  private boolean stateSent;
  private boolean stale;

  PresenceSeat(PresenceHub hub, PresenceService service, String space, String userId, PresenceSink sink) {
    this.hub = hub;
    this.sink = sink;
    this.service = service;
    this.space = space;
    this.userId = userId;
    this.connection = service.newConnection();
    this.budget = new SignalBudget(service.config().signalsPerSecond(), System.nanoTime());
    // The seat's first write waits for the name (one cached lookup); a lookup that fails shows none.
    this.last = service.names().of(userId).transform(ar -> {
      displayName = ar.succeeded() ? ar.result() : null;
      return Future.succeededFuture();
    });
  }

  public String connection() {
    return connection;
  }

  /**
   * Enters the space with {@code state} (null: an empty one), and starts receiving its presence. The
   * state is one the socket sent before its subscription started, already checked by {@link #checkState}.
   */
  public void join(JsonObject state) {
    presence = hub.acquire(space);
    presence.add(this);
    write(state == null ? new JsonObject() : state);
  }

  /** Throws for a state this seat would refuse for its size. */
  public static void checkState(JsonObject state, PresenceService service) {
    checkSize(state, service.config().maxStateBytes(), "presence state");
  }

  /** The socket's subscription is live: the space's whole presence, if the socket has not got it yet or missed a diff. */
  public void onLive() {
    if (left || presence == null || (stateSent && !stale)) {
      return;
    }
    stale = false;
    presence.ready().onComplete(ar -> {
      if (left) {
        return;
      }
      if (!sink.live()) {
        stale = true;
        return;
      }
      sink.send(PresenceDiff.stateFrame(space, presence.members(), presence.count()));
      hub.metrics().presenceState();
      stateSent = true;
    });
  }

  void onDiff(String frame) {
    if (!stateSent) {
      return; // the presence_state still to come includes it
    }
    if (!sink.live() || sink.queueFull()) {
      stale = true; // a missed diff is made good by a fresh presence_state once live again
      return;
    }
    sink.send(frame);
    hub.metrics().presenceDiff();
  }

  void onSignal(String fromConnection, String frame) {
    if (fromConnection.equals(connection)) {
      return;
    }
    boolean deliverable = stateSent && sink.live() && !sink.queueFull();
    if (deliverable) {
      sink.send(frame);
    }
    hub.metrics().signal(deliverable);
  }

  /** Sets this socket's state; throws for a state too large or sent too often. */
  public void set(JsonObject state) {
    checkState(state, service);
    spend();
    write(state);
  }

  /** Sends an ephemeral message to the space's other sockets; throws for one too large or sent too often. */
  public void signal(JsonObject data) {
    checkSize(data, service.config().maxSignalBytes(), "signal data");
    spend();
    service.signal(space, userId, connection, data)
        .onFailure(err -> LOG.debug("Signal to {} not published: {}", space, err.toString()));
  }

  /** Leaves the space; later calls do nothing. */
  public void leave() {
    if (left) {
      return;
    }
    left = true;
    if (presence != null) {
      hub.release(space, this);
    }
    last = last.transform(ar -> service.leave(space, connection))
        .onFailure(err -> LOG.debug("Presence leave in {} not published: {}", space, err.toString()));
  }

  private void write(JsonObject state) {
    if (left) {
      return;
    }
    long at = System.currentTimeMillis();
    long revision = ++rev;
    last = last.transform(ar -> service.put(space, new PresenceEntry(connection, userId, state, revision, at, displayName)))
        .onFailure(err -> LOG.debug("Presence in {} not published: {}", space, err.toString()));
  }

  private void spend() {
    if (!budget.tryTake(System.nanoTime())) {
      throw new TetherException(ErrorCode.RATE_LIMITED, "at most " + service.config().signalsPerSecond()
          + " presence updates and signals per second per space");
    }
  }

  private static void checkSize(JsonObject value, int maxBytes, String what) {
    if (value.encode().getBytes(StandardCharsets.UTF_8).length > maxBytes) {
      throw new TetherException(ErrorCode.TOO_LARGE, what + " exceeds " + maxBytes + " bytes of JSON");
    }
  }
}
