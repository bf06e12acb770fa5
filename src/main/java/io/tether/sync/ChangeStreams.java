package io.tether.sync;

import io.tether.core.SpaceInfo;
import io.tether.core.TetherException;
import io.vertx.core.Future;

/**
 * Subscriptions to a space's changes for this event loop, for every protocol that carries them
 * (the native socket, GraphQL subscriptions): the same role check, the same catch-up without holding
 * live changes, the same gap filling. Frames are written to the caller's {@link Transport}.
 */
public final class ChangeStreams {
  private final SyncContext ctx;

  public ChangeStreams(SyncContext ctx) {
    this.ctx = ctx;
  }

  /** The space's head, if {@code userId} may read it; fails with forbidden otherwise. */
  public Future<SpaceInfo> check(String space, String userId) {
    return ctx.access().toRead(space, userId)
        .compose(role -> ctx.changeLog().head(space))
        .map(found -> found.orElseThrow(() -> TetherException.forbidden("not a member of this space")));
  }

  /**
   * Starts delivering the changes after {@code since} (whose epoch the caller has checked with
   * {@link SpaceInfo#canServe}). {@code onEnded} runs when the server ends it (revoked membership,
   * history compacted away). Returns what stops it; stopping twice is harmless.
   */
  public Runnable open(String userId, Object requestId, String space, long since, String epoch, Transport transport,
                       Runnable onEnded) {
    SpaceSubscription sub = start(ctx, userId, requestId, space, since, epoch, transport, null, onEnded);
    boolean[] stopped = new boolean[1];
    return () -> {
      if (!stopped[0]) {
        stopped[0] = true;
        stop(ctx, space, sub);
      }
    };
  }

  static SpaceSubscription start(SyncContext ctx, String userId, Object requestId, String space, long since, String epoch,
                                 Transport transport, String presenceConnection, Runnable onEnded) {
    SpaceFeed feed = ctx.hub().acquire(space);
    SpaceSubscription sub = new SpaceSubscription(space, userId, requestId, since, epoch, transport, feed, ctx.changeLog(),
        ctx.config().catchUpPageSize(), ctx.metrics(), presenceConnection, onEnded);
    feed.add(sub);
    ctx.metrics().subscriptionStarted();
    sub.start();
    return sub;
  }

  static void stop(SyncContext ctx, String space, SpaceSubscription sub) {
    ctx.metrics().subscriptionEnded();
    sub.close();
    ctx.hub().release(space, sub);
  }
}
