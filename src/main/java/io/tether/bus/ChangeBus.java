package io.tether.bus;

import io.tether.core.Change;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * Fans committed changes out to every node. At most once: a message may be lost, reordered or
 * duplicated, so the bus is a hint and the change log is the truth; listeners detect gaps by seq.
 * Futures complete on the caller's context; listeners are called on the context that subscribed.
 */
public interface ChangeBus {

  /** Publishes a committed change (call after commit). Fails only if the bus cannot take it now. */
  Future<Void> publish(Change change);

  /**
   * The pseudo-space whose channel carries membership changes to every node ({@code $} is no space id
   * character). A revocation for it names a deleted user: every node refuses their tokens from then on.
   */
  String MEMBERSHIPS = "$memberships";

  /** Tells every node that a role changed, so their membership caches drop the entry (best effort). */
  Future<Void> publishMembershipChange(String space, String userId);

  /**
   * Sends an ephemeral message (presence, signals) to every listener of the space on every node: like
   * changes, at most once, but nothing stores it and nobody fills its gaps. Listeners get it read-only.
   */
  Future<Void> publishEphemeral(String space, JsonObject message);

  /** Whether messages are flowing now; while not, anything may be missed. */
  default boolean connected() {
    return true;
  }

  /** Tells every node that {@code userId} lost access to {@code space} (best effort, like changes). */
  Future<Void> publishRevocation(String space, String userId);

  /**
   * Tells every node that the space was deleted: its listeners get {@link BusListener#onSpaceDeleted},
   * and so do the membership channel's, so caches drop what they know of it (best effort, like changes).
   */
  Future<Void> publishSpaceDeleted(String space);

  /**
   * Registers a listener for a space. Completes once the subscription is active, so any change
   * published afterwards reaches the listener; or, if the bus is disconnected, at once, and the
   * listener gets {@link BusListener#onGapPossible()} when the bus is back.
   */
  Future<Subscription> subscribe(String space, BusListener listener);

  /** Succeeds if the bus can carry messages now (for readiness). */
  Future<Void> ping();

  /** Stops the bus; pending and later calls fail. */
  Future<Void> close();

  /** A registration, cancelled by {@link #unsubscribe()}. */
  interface Subscription {
    Future<Void> unsubscribe();
  }
}
