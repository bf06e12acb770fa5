package io.tether.sync;

import io.tether.core.DocumentFilter;
import io.tether.core.Viewer;
import io.tether.rules.Reading;
import io.tether.rules.Rules;
import io.tether.core.SpaceInfo;
import io.tether.core.TetherException;
import io.vertx.core.Future;

/**
 * Subscriptions to a space's changes for this event loop, for every protocol that carries them
 * (the native socket, GraphQL subscriptions): the same role check, the same catch-up without holding
 * live changes, the same gap filling. Frames are written to the caller's {@link Transport}. The only
 * place that attaches subscriptions to the loop's feeds and detaches them.
 */
public final class ChangeStreams {
  private final SyncContext ctx;
  private HeadLookups heads;

  public ChangeStreams(SyncContext ctx) {
    this.ctx = ctx;
  }

  private HeadLookups heads() {
    if (heads == null) {
      heads = new HeadLookups(ctx.changeLog()); // on first use: routes can be listed without a sync context
    }
    return heads;
  }

  /** Who may subscribe: the head, the caller as the rules see them, and the rules at the head. */
  public record Admission(SpaceInfo head, Viewer viewer, Rules rules) {
    /** What the subscriber sees through {@code filter} (null: all it may read). */
    public Reading reading(DocumentFilter filter) {
      return new Reading(rules, viewer, filter);
    }
  }

  /**
   * The space's head, if {@code userId} may read it (forbidden otherwise), with the caller's role and
   * the space's rules at the head (a cursor from before
   * them cannot be served: {@link SpaceInfo#canServe}); no query for a space that never had rules.
   */
  public Future<Admission> admit(String space, String userId) {
    return ctx.reads().viewer(space, userId).compose(viewer -> heads().head(space)
        .map(found -> found.orElseThrow(() -> TetherException.forbidden("not a member of this space")))
        .compose(head -> ctx.reads().rules(space, head.rulesSeq()).map(rules -> new Admission(head, viewer, rules))));
  }

  /** What a membership re-check found: still readable as before, the role changed under read rules, or gone. */
  public enum Recheck { SAME, ROLE_CHANGED, REVOKED }

  /**
   * Asks PostgreSQL again whether {@code userId} may still read the space, and whether what
   * {@code reading} judges by still holds: revocations travel on the bus, which can lose them, and
   * a role change matters to read rules. Fails only when the check itself could not be made.
   */
  public Future<Recheck> recheck(String space, String userId, Reading reading) {
    return ctx.reads().viewerNow(space, userId)
        .map(viewer -> reading.rules().hasReadRules() && !viewer.equals(reading.viewer()) ? Recheck.ROLE_CHANGED : Recheck.SAME)
        .recover(err -> err instanceof TetherException te && te.code() == io.tether.core.ErrorCode.FORBIDDEN
            ? Future.succeededFuture(Recheck.REVOKED) : Future.failedFuture(err));
  }

  /** How often a live subscription asks {@link #recheck} ({@code sync.membershipRecheckSeconds}). */
  public long recheckMillis() {
    return ctx.config().membershipRecheckSeconds() * 1000L;
  }

  /**
   * Prepares delivering the changes after {@code since} that {@code reading} sees (as changes, leaves
   * and cursors; a rules change on the way is told as what it changes for the reader) (whose epoch the caller has checked with
   * {@link SpaceInfo#canServe}). {@code requestId} is echoed in {@code synced}. Nothing flows until {@link ChangeStream#start()}: the
   * caller holds the stream first, because the change log may answer at once and the observer's
   * {@code onLive} may ask whether the stream it has not yet got is live.
   */
  public ChangeStream open(String userId, Object requestId, String space, long since, String epoch, Reading reading,
                           Transport transport, ChangeStream.Observer observer) {
    SpaceFeed feed = ctx.hub().acquire(space);
    SpaceSubscription sub = new SpaceSubscription(space, userId, requestId, since, epoch, transport, feed, ctx.changeLog(),
        ctx.config().catchUpPageSize(), ctx.metrics(), observer, new Filtered(reading, ctx.vertx(), feed.verdicts()),
        ctx.reads());
    feed.add(sub);
    ctx.metrics().subscriptionStarted();
    return new ChangeStream() {
      private boolean stopped;

      @Override
      public void start() {
        sub.start();
      }

      @Override
      public boolean live() {
        return !stopped && sub.live();
      }

      @Override
      public long cursor() {
        return sub.cursor();
      }

      @Override
      public Reading reading() {
        return sub.reading();
      }

      @Override
      public void flushCursor() {
        if (!stopped) {
          sub.flushCursor();
        }
      }

      @Override
      public void stop() {
        if (!stopped) {
          stopped = true;
          ctx.metrics().subscriptionEnded();
          sub.close();
          ctx.hub().release(space, sub);
        }
      }
    };
  }
}
