package io.tether.sync;

import io.tether.auth.TokenLease;
import io.tether.core.DocumentFilter;
import io.tether.core.ErrorCode;
import io.tether.core.Fields;
import io.tether.core.Ids;
import io.tether.core.Principal;
import io.tether.core.TetherException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * The server side of one sync connection, a small state machine: {@link AwaitingAuth} (only an
 * {@code auth} frame is accepted, before a deadline), {@link Authenticated} (every frame, each
 * admitted by the user's rate limit in arrival order), then {@link Closed}. It writes only through
 * its {@link Transport}. A bad frame gets an error frame and the connection stays open; only
 * authentication problems and floods close it. Confined to the socket's event loop.
 */
public final class SyncSession {
  /** Longest string id a frame may carry (a UUID is 36). */
  static final int MAX_ID_LENGTH = 128;

  private long nextRecheckMillis;

  private final SyncContext ctx;
  private final ChangeStreams streams;
  private final Transport transport;
  private final InboundFrames inbound;
  private final TokenLease lease;
  private State state;
  private long lastActivityMillis = System.currentTimeMillis();

  /**
   * {@code principal} is null for a socket that authenticates by frame; a non-null one was
   * authenticated by the upgrade request and already counted against the user's sockets.
   */
  public SyncSession(SyncContext ctx, ChangeStreams streams, Transport transport, Principal principal) {
    this.ctx = ctx;
    this.streams = streams;
    this.transport = transport;
    this.lease = new TokenLease(ctx.vertx(), expiresAt -> transport.send(Frames.tokenExpiring(expiresAt)),
        () -> closeWith(CloseCodes.TOKEN_EXPIRED, "token_expired"));
    this.inbound = new InboundFrames(() -> state.admission(), this::handle, () -> {
      transport.send(Frames.error(null, ErrorCode.RATE_LIMITED, "too many frames; slow down"));
      closeWith(CloseCodes.RATE_LIMITED, "rate limited");
    });
    this.state = principal == null ? new AwaitingAuth() : new Authenticated(principal);
  }

  public void open() {
    state.enter();
  }

  /** Any frame or pong from the client. */
  public void touch() {
    lastActivityMillis = System.currentTimeMillis();
  }

  /** Pings the client, or closes the socket if it has been silent past the idle timeout. */
  public void heartbeat(long nowMillis) {
    if (nowMillis - lastActivityMillis > ctx.config().idleTimeoutSeconds() * 1000L) {
      closeWith(CloseCodes.GOING_AWAY, "idle timeout");
      return;
    }
    transport.ping();
    long every = ctx.config().membershipRecheckSeconds() * 1000L;
    if (every > 0 && state instanceof Authenticated authenticated) {
      if (nextRecheckMillis == 0) {
        // Spread over the interval, so sockets opened together do not all ask at once.
        nextRecheckMillis = nowMillis + java.util.concurrent.ThreadLocalRandom.current().nextLong(every);
      } else if (nowMillis >= nextRecheckMillis) {
        nextRecheckMillis = nowMillis + every;
        authenticated.subscriptions.recheck();
      }
    }
  }

  public void onBinary() {
    touch();
    if (!isClosed()) {
      transport.send(Frames.error(null, ErrorCode.BAD_REQUEST, "frames are JSON text; binary frames are not accepted"));
    }
  }

  public void onText(String text) {
    touch();
    if (!isClosed() && !inbound.offer(text)) {
      closeWith(CloseCodes.RATE_LIMITED, "too many frames in flight");
    }
  }

  /** The socket closed: release everything it held. */
  public void onClosed() {
    if (!isClosed()) {
      State leaving = state;
      state = new Closed();
      inbound.close();
      lease.cancel();
      leaving.leave();
    }
  }

  /** The node is restarting: close with 1012 so the client reconnects, possibly elsewhere. */
  public void restart() {
    closeWith(CloseCodes.SERVICE_RESTART, "server restarting");
  }

  public boolean isClosed() {
    return state instanceof Closed;
  }

  /** Whether the socket has passed authentication (and is not closed). */
  public boolean authenticated() {
    return state instanceof Authenticated;
  }

  public int subscriptionCount() {
    return state instanceof Authenticated authenticated ? authenticated.subscriptions.count() : 0;
  }

  private void handle(String text) {
    JsonObject frame;
    try {
      frame = ctx.json().parseObject(text);
    } catch (TetherException e) {
      transport.send(Frames.error(null, e.code(), e.getMessage()));
      return;
    }
    Object id = frame.getValue("id");
    if (!(id == null || id instanceof Number || id instanceof String s && s.length() <= MAX_ID_LENGTH)) {
      // Ids are echoed in every reply: a 1 MiB id would be written back as often as it is sent.
      transport.send(Frames.error(null, ErrorCode.BAD_REQUEST, "id must be a number or a string of at most "
          + MAX_ID_LENGTH + " characters"));
      return;
    }
    FrameType type = FrameType.inbound(frame.getValue("type"));
    try {
      state.onFrame(type, id, frame);
    } catch (TetherException e) {
      transport.send(Frames.error(id, e.code(), e.getMessage()));
    }
  }

  private void closeWith(short code, String reason) {
    if (!isClosed()) {
      state.beforeClose();
      transport.close(code, reason);
      onClosed();
    }
  }

  /** Verifies an auth frame's token; {@code then} runs on success, unless the socket closed meanwhile. */
  private void verify(JsonObject frame, java.util.function.Consumer<Principal> then) {
    ctx.tokens().verify(Fields.text(frame, "token")).onComplete(ar -> {
      if (isClosed()) {
        return;
      }
      if (ar.failed()) {
        if (ar.cause() instanceof TetherException te && te.code() == ErrorCode.TOKEN_EXPIRED) {
          closeWith(CloseCodes.TOKEN_EXPIRED, "token_expired");
          return;
        }
        closeWith(CloseCodes.POLICY_VIOLATION, "invalid access token");
      } else {
        then.accept(ar.result());
      }
    });
  }

  /** One phase of the connection. */
  private abstract static class State {
    /** Runs when the connection enters this phase. */
    void enter() {
    }

    /** The admission of the next inbound frame: null for at once. */
    Future<Void> admission() {
      return null;
    }

    /** A frame of a known client type, or null for any other type. */
    abstract void onFrame(FrameType type, Object id, JsonObject frame);

    /** The connection leaves this phase for good (it closed). */
    void leave() {
    }

    /** The server is about to close the socket; it can still write. */
    void beforeClose() {
    }
  }

  /** Upgraded without a token: the first frame must be {@code auth}, within the deadline. */
  private final class AwaitingAuth extends State {
    private long deadline = -1;

    @Override
    void enter() {
      deadline = ctx.vertx().setTimer(ctx.config().authTimeoutSeconds() * 1000L,
          id -> closeWith(CloseCodes.POLICY_VIOLATION, "no auth frame in time"));
    }

    @Override
    void onFrame(FrameType type, Object id, JsonObject frame) {
      // Only an auth frame is accepted before authentication (the upgrade itself was IP-limited).
      if (type != FrameType.AUTH) {
        closeWith(CloseCodes.POLICY_VIOLATION, "authenticate first");
        return;
      }
      verify(frame, principal -> {
        if (!ctx.connections().tryOpen(principal.userId())) {
          closeWith(CloseCodes.RATE_LIMITED, "too many open sockets for this user");
          return;
        }
        leave();
        state = new Authenticated(principal);
        state.enter();
        transport.send(Frames.authenticated(id, principal.userId(), principal.expiresAtEpochSeconds()));
      });
    }

    @Override
    void leave() {
      if (deadline >= 0) {
        ctx.vertx().cancelTimer(deadline);
        deadline = -1;
      }
    }
  }

  /** A known user, counted against their open sockets, whose token lease is running. */
  private final class Authenticated extends State {
    private final String userId;
    private final SocketSubscriptions subscriptions;

    Authenticated(Principal principal) {
      this.userId = principal.userId();
      this.subscriptions = new SocketSubscriptions(ctx, streams, transport, userId);
      lease.renew(principal);
    }

    @Override
    Future<Void> admission() {
      return ctx.limits().user(userId);
    }

    @Override
    void onFrame(FrameType type, Object id, JsonObject frame) {
      if (type == null) {
        Object name = frame.getValue("type");
        throw TetherException.badRequest("unknown frame type '" + (name instanceof String s ? s : "") + "'");
      }
      switch (type) {
        case AUTH -> verify(frame, principal -> reauthenticate(id, principal));
        case SUBSCRIBE -> subscriptions.subscribe(id, space(frame), Fields.nonNegative(frame, "since"),
            Fields.text(frame, "epoch"), Fields.flag(frame, "presence", true), DocumentFilter.fromFrame(frame));
        case UNSUBSCRIBE -> subscriptions.unsubscribe(id, space(frame));
        case MUTATE -> mutate(id, space(frame), frame.getValue("mutations"));
        case PRESENCE -> subscriptions.setPresence(space(frame), Fields.object(frame, "state"));
        case SIGNAL -> subscriptions.seat(space(frame)).signal(Fields.object(frame, "data"));
        case PING -> transport.send(Frames.pong(id));
        default -> throw TetherException.badRequest("unknown frame type '" + type.wire() + "'");
      }
    }

    /** A fresh token for the same user: the lease starts again. */
    private void reauthenticate(Object id, Principal next) {
      if (!next.userId().equals(userId)) {
        closeWith(CloseCodes.POLICY_VIOLATION, "a connection cannot change users");
        return;
      }
      lease.renew(next);
      transport.send(Frames.authenticated(id, next.userId(), next.expiresAtEpochSeconds()));
      subscriptions.recheck();
    }

    private void mutate(Object id, String space, Object mutations) {
      ctx.mutations().apply(space, userId, mutations).onComplete(ar -> {
        if (isClosed()) {
          return; // applied or not, the client replays the same mutationIds and gets the same results
        }
        if (ar.succeeded()) {
          transport.send(Frames.ack(id, ar.result()));
        } else if (ar.cause() instanceof TetherException te) {
          transport.send(Frames.error(id, te.code(), te.getMessage()));
        } else {
          transport.send(Frames.error(id, ErrorCode.UNAVAILABLE, "temporarily unavailable; retry"));
        }
      });
    }

    @Override
    void leave() {
      ctx.connections().close(userId);
      subscriptions.closeAll();
    }

    @Override
    void beforeClose() {
      subscriptions.flushCursors();
    }
  }

  /** Nothing more is read or written. */
  private static final class Closed extends State {
    @Override
    void onFrame(FrameType type, Object id, JsonObject frame) {
    }
  }

  private static String space(JsonObject frame) {
    return Ids.space(Fields.text(frame, "space"));
  }
}
