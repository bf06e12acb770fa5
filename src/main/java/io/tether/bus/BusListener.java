package io.tether.bus;

import io.tether.core.ChangeFrame;

/** Receives a space's messages from a {@link ChangeBus}, always on the context that subscribed. */
public interface BusListener {

  /** A published change. May arrive late, out of order, twice, or never: the listener checks seq. */
  void onChange(ChangeFrame frame);

  /**
   * Messages may have been lost (the bus reconnected): the listener must catch up from the change log.
   * Called after the subscription is active again, so nothing published afterwards is missed.
   */
  void onGapPossible();

  /** The user was removed from the space: end that user's subscriptions to it at once. */
  void onRevoked(String userId);

  /** Someone's role in a space changed (cache invalidation); only the membership channel carries these. */
  default void onMembershipChanged(String space, String userId) {
  }

  /** An ephemeral message of the space ({@link ChangeBus#publishEphemeral}); read-only, shared by every listener. */
  default void onEphemeral(io.vertx.core.json.JsonObject message) {
  }

  /**
   * The space was deleted (on the space's channel and on the membership channel): end its
   * subscriptions, forget what is cached of it.
   */
  default void onSpaceDeleted(String space) {
  }
}
