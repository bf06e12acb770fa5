package io.tether.presence;

import io.tether.bus.ChangeBus;
import io.tether.ops.Metrics;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;

/**
 * The presence of the spaces that this event loop's sockets sit in, reference counted by seat: a
 * space's presence listens on the bus while at least one seat of this loop is in it. Compares every
 * space with the store as often as nodes renew their entries, so a dead node's sockets leave within
 * about 4/3 of the TTL. Confined to its event loop.
 */
public final class PresenceHub {
  private final Vertx vertx;
  private final ChangeBus bus;
  private final PresenceService service;
  private final Metrics metrics;
  private final Map<String, SpacePresence> spaces = new HashMap<>();
  private final long reconcileTimer;

  public PresenceHub(Vertx vertx, ChangeBus bus, PresenceService service, Metrics metrics) {
    this.vertx = vertx;
    this.bus = bus;
    this.service = service;
    this.metrics = metrics;
    this.reconcileTimer = vertx.setPeriodic(Math.max(1, service.ttlMillis() / 3),
        id -> spaces.values().forEach(SpacePresence::reconcile));
  }

  /** A new seat for one socket in one space; it takes its place with {@link PresenceSeat#join()}. */
  /** Throws for a presence state too large for a seat (checked before a seat exists). */
  public void checkState(io.vertx.core.json.JsonObject state) {
    PresenceSeat.checkState(state, service);
  }

  public PresenceSeat seat(String space, String userId, PresenceSink sink) {
    return new PresenceSeat(this, service, space, userId, sink);
  }

  SpacePresence acquire(String space) {
    return spaces.computeIfAbsent(space, s -> new SpacePresence(s, vertx, bus, service.store(), service.ttlMillis(),
        service.config().maxListed()));
  }

  void release(String space, PresenceSeat seat) {
    SpacePresence presence = spaces.get(space);
    if (presence != null && presence.remove(seat)) {
      spaces.remove(space);
      presence.stop();
    }
  }

  Metrics metrics() {
    return metrics;
  }

  /** Spaces with presence on this loop. */
  public int activeSpaces() {
    return spaces.size();
  }

  public void close() {
    vertx.cancelTimer(reconcileTimer);
    new ArrayList<>(spaces.values()).forEach(SpacePresence::stop);
    spaces.clear();
  }
}
