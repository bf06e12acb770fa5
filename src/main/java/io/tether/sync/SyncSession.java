package io.tether.sync;

import io.tether.core.ErrorCode;
import io.tether.core.Ids;
import io.tether.core.Principal;
import io.tether.core.SpaceInfo;
import io.tether.core.TetherException;
import io.tether.presence.PresenceSeat;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of one sync connection: authentication, subscriptions and frame handling. It
 * writes only through its {@link Transport}. A bad frame gets an error frame and the connection stays
 * open; only authentication problems close it. Confined to the socket's event loop.
 */
public final class SyncSession {
  private static final Logger LOG = LoggerFactory.getLogger(SyncSession.class);
  private static final long EXPIRY_WARNING_SECONDS = 60;

  private final SyncContext ctx;
  private final Transport transport;
  private final Map<String, SpaceSubscription> subscriptions = new HashMap<>();
  private final Set<String> pendingSubscribes = new HashSet<>();
  private final Map<String, PresenceSeat> seats = new HashMap<>();
  private Principal principal;
  private long authTimer = -1;
  private long expiringTimer = -1;
  private long expiryTimer = -1;
  /** The expiry already warned about: the same token presented again is not warned about again. */
  private long warnedExpiry = -1;
  private long lastActivityMillis = System.currentTimeMillis();
  private boolean closed;
  private boolean counted;
  /** Frames wait here for their rate-limit check, so they are handled in the order they came. */
  private final Deque<String> inbound = new ArrayDeque<>();
  private boolean checking;
  private static final int MAX_INBOUND = 64;

  /** {@code principal} is null for a socket that authenticates by frame; non-null ones are already counted. */
  public SyncSession(SyncContext ctx, Transport transport, Principal principal) {
    this.ctx = ctx;
    this.transport = transport;
    this.principal = principal;
    this.counted = principal != null;
  }

  public void open() {
    if (principal == null) {
      authTimer = ctx.vertx().setTimer(ctx.config().authTimeoutSeconds() * 1000L,
          id -> closeWith(CloseCodes.POLICY_VIOLATION, "no auth frame in time"));
    } else {
      scheduleExpiry();
    }
  }

  /** Any frame or pong from the client. */
  public void touch() {
    lastActivityMillis = System.currentTimeMillis();
  }

  /** Pings the client, or closes the socket if it has been silent past the idle timeout. */
  public void heartbeat(long nowMillis) {
    if (nowMillis - lastActivityMillis > ctx.config().idleTimeoutSeconds() * 1000L) {
      closeWith(CloseCodes.GOING_AWAY, "idle timeout");
    } else {
      transport.ping();
    }
  }

  public void onBinary() {
    touch();
    if (!closed) {
      transport.send(Frames.error(null, ErrorCode.BAD_REQUEST, "frames are JSON text; binary frames are not accepted"));
    }
  }

  public void onText(String text) {
    touch();
    if (closed) {
      return;
    }
    if (inbound.size() >= MAX_INBOUND) {
      closeWith(CloseCodes.RATE_LIMITED, "too many frames in flight");
      return;
    }
    inbound.add(text);
    drainInbound();
  }

  private void drainInbound() {
    if (checking || inbound.isEmpty() || closed) {
      return;
    }
    String text = inbound.poll();
    if (principal == null) {
      handle(text); // only an auth frame is accepted before authentication; the upgrade was IP-limited
      drainInbound();
      return;
    }
    checking = true;
    ctx.limits().user(principal.userId()).onComplete(ar -> {
      checking = false;
      if (closed) {
        return;
      }
      if (ar.succeeded()) {
        handle(text);
        drainInbound();
      } else {
        transport.send(Frames.error(null, ErrorCode.RATE_LIMITED, "too many frames; slow down"));
        closeWith(CloseCodes.RATE_LIMITED, "rate limited");
      }
    });
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
    String type = frame.getValue("type") instanceof String s ? s : "";
    if (principal == null && !"auth".equals(type)) {
      closeWith(CloseCodes.POLICY_VIOLATION, "authenticate first");
      return;
    }
    try {
      switch (type) {
        case "auth" -> auth(id, frame);
        case "subscribe" -> subscribe(id, frame);
        case "unsubscribe" -> unsubscribe(id, frame);
        case "mutate" -> mutate(id, frame);
        case "presence" -> seat(frame).set(object(frame, "state"));
        case "signal" -> seat(frame).signal(object(frame, "data"));
        case "ping" -> transport.send(Frames.pong(id));
        default -> transport.send(Frames.error(id, ErrorCode.BAD_REQUEST, "unknown frame type '" + type + "'"));
      }
    } catch (TetherException e) {
      transport.send(Frames.error(id, e.code(), e.getMessage()));
    }
  }

  /** The socket closed: release every subscription. */
  public void onClosed() {
    if (closed) {
      return;
    }
    closed = true;
    cancelTimers();
    inbound.clear();
    if (counted) {
      ctx.connections().close(principal.userId());
    }
    for (Map.Entry<String, SpaceSubscription> e : new ArrayList<>(subscriptions.entrySet())) {
      e.getValue().close();
      ctx.hub().release(e.getKey(), e.getValue());
      ctx.metrics().subscriptionEnded();
    }
    subscriptions.clear();
    pendingSubscribes.clear();
    seats.values().forEach(PresenceSeat::leave);
    seats.clear();
  }

  /** The node is restarting: close with 1012 so the client reconnects, possibly elsewhere. */
  public void restart() {
    closeWith(CloseCodes.SERVICE_RESTART, "server restarting");
  }

  public boolean isClosed() {
    return closed;
  }

  public int subscriptionCount() {
    return subscriptions.size();
  }

  private void auth(Object id, JsonObject frame) {
    String token = text(frame, "token");
    ctx.tokens().verify(token).onComplete(ar -> {
      if (closed) {
        return;
      }
      if (ar.failed()) {
        closeWith(CloseCodes.POLICY_VIOLATION, "invalid access token");
        return;
      }
      Principal next = ar.result();
      if (principal != null && !principal.userId().equals(next.userId())) {
        closeWith(CloseCodes.POLICY_VIOLATION, "a connection cannot change users");
        return;
      }
      if (!counted) {
        if (!ctx.connections().tryOpen(next.userId())) {
          closeWith(CloseCodes.RATE_LIMITED, "too many open sockets for this user");
          return;
        }
        counted = true;
      }
      principal = next;
      cancelTimers();
      scheduleExpiry();
      transport.send(Frames.authenticated(id, next.userId(), next.expiresAtEpochSeconds()));
    });
  }

  private void subscribe(Object id, JsonObject frame) {
    String space = Ids.space(text(frame, "space"));
    long since = nonNegative(frame.getValue("since"));
    String epoch = text(frame, "epoch");
    boolean presence = flag(frame, "presence", true);
    if (subscriptions.containsKey(space) || pendingSubscribes.contains(space)) {
      throw new TetherException(ErrorCode.CONFLICT, "already subscribed to " + space);
    }
    if (subscriptions.size() + pendingSubscribes.size() >= ctx.config().maxSubscriptions()) {
      throw new TetherException(ErrorCode.TOO_LARGE, "at most " + ctx.config().maxSubscriptions() + " subscriptions per connection");
    }
    pendingSubscribes.add(space);
    ctx.access().toRead(space, principal.userId())
        .compose(role -> ctx.changeLog().head(space))
        .onComplete(ar -> {
          if (closed || !pendingSubscribes.remove(space)) {
            return; // closed or unsubscribed while we checked
          }
          if (ar.failed()) {
            sendFailure(id, ar.cause());
          } else {
            startSubscription(id, space, since, epoch, presence, ar.result());
          }
        });
  }

  private void startSubscription(Object id, String space, long since, String epoch, boolean presence,
                                 Optional<SpaceInfo> found) {
    if (found.isEmpty()) {
      transport.send(Frames.error(id, ErrorCode.FORBIDDEN, "not a member of this space"));
      return;
    }
    SpaceInfo head = found.get();
    if (!head.canServe(since, epoch)) {
      // The cursor belongs to another life of this space, to a future it never had, or to a past
      // that was compacted away: never a partial replay.
      transport.send(Frames.resyncRequired(id, space, head.minSeq(), head.epoch()));
      return;
    }
    SpaceSubscription[] holder = new SpaceSubscription[1];
    // A socket that syncs without presence (an app in the background) neither shows nor sees who is here.
    PresenceSeat seat = presence ? new PresenceSeat(ctx.presence(), space, principal.userId()) : null;
    holder[0] = ChangeStreams.start(ctx, principal.userId(), id, space, since, head.epoch(), transport,
        seat == null ? null : seat.connection(), () -> end(space, holder[0]));
    subscriptions.put(space, holder[0]);
    if (seat != null) {
      seats.put(space, seat);
      seat.join();
    }
  }

  private void mutate(Object id, JsonObject frame) {
    String space = Ids.space(text(frame, "space"));
    ctx.mutations().apply(space, principal.userId(), frame.getValue("mutations")).onComplete(ar -> {
      if (closed) {
        return; // applied or not, the client replays the same mutationIds and gets the same results
      }
      if (ar.succeeded()) {
        transport.send(Frames.ack(id, ar.result()));
      } else {
        sendFailure(id, ar.cause());
      }
    });
  }

  private void unsubscribe(Object id, JsonObject frame) {
    String space = Ids.space(text(frame, "space"));
    if (pendingSubscribes.remove(space)) {
      transport.send(unsubscribed(id, space));
      return;
    }
    SpaceSubscription sub = subscriptions.get(space);
    if (sub == null) {
      throw TetherException.notFound("not subscribed to " + space);
    }
    end(space, sub);
    transport.send(unsubscribed(id, space));
  }

  private void end(String space, SpaceSubscription sub) {
    if (subscriptions.get(space) == sub) {
      subscriptions.remove(space);
      ChangeStreams.stop(ctx, space, sub);
      PresenceSeat seat = seats.remove(space);
      if (seat != null) {
        seat.leave();
      }
    }
  }

  private static String unsubscribed(Object id, String space) {
    JsonObject frame = new JsonObject().put("type", "unsubscribed").put("space", space);
    return (id == null ? frame : frame.put("id", id)).encode();
  }

  private void sendFailure(Object id, Throwable err) {
    if (err instanceof TetherException te) {
      transport.send(Frames.error(id, te.code(), te.getMessage()));
    } else {
      LOG.warn("Subscribe failed: {}", err.toString());
      transport.send(Frames.error(id, ErrorCode.UNAVAILABLE, "temporarily unavailable; retry"));
    }
  }

  private void scheduleExpiry() {
    long remainingMillis = principal.expiresAtEpochSeconds() * 1000L - System.currentTimeMillis();
    long warnInMillis = remainingMillis - EXPIRY_WARNING_SECONDS * 1000L;
    long expiresAt = principal.expiresAtEpochSeconds();
    if (warnInMillis > 0) {
      expiringTimer = ctx.vertx().setTimer(warnInMillis, id -> warnExpiring(expiresAt));
    } else {
      warnExpiring(expiresAt);
    }
    expiryTimer = ctx.vertx().setTimer(Math.max(1, remainingMillis),
        id -> closeWith(CloseCodes.TOKEN_EXPIRED, "access token expired"));
  }

  private void warnExpiring(long expiresAt) {
    if (warnedExpiry != expiresAt) {
      warnedExpiry = expiresAt;
      transport.send(Frames.tokenExpiring(expiresAt));
    }
  }

  private void cancelTimers() {
    for (long timer : new long[] {authTimer, expiringTimer, expiryTimer}) {
      if (timer >= 0) {
        ctx.vertx().cancelTimer(timer);
      }
    }
    authTimer = expiringTimer = expiryTimer = -1;
  }

  private void closeWith(short code, String reason) {
    if (!closed) {
      transport.close(code, reason);
      onClosed();
    }
  }

  /** The presence seat of a subscribed space named by the frame. */
  private PresenceSeat seat(JsonObject frame) {
    String space = Ids.space(text(frame, "space"));
    PresenceSeat seat = seats.get(space);
    if (seat == null) {
      throw TetherException.notFound("no presence in " + space + ": subscribe to it (with presence) first");
    }
    return seat;
  }

  private static boolean flag(JsonObject frame, String key, boolean absent) {
    Object value = frame.getValue(key);
    if (value == null) {
      return absent;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    throw TetherException.badRequest(key + " must be true or false");
  }

  private static JsonObject object(JsonObject frame, String key) {
    if (frame.getValue(key) instanceof JsonObject value) {
      return value;
    }
    throw TetherException.badRequest(key + " must be a JSON object");
  }

  /** A string field; a field of another JSON type is a 400 rather than silently converted. */
  private static String text(JsonObject frame, String key) {
    Object value = frame.getValue(key);
    if (value == null || value instanceof String) {
      return (String) value;
    }
    throw TetherException.badRequest(key + " must be a string");
  }

  private static long nonNegative(Object value) {
    if (value == null) {
      return 0;
    }
    if (value instanceof Number n && n.doubleValue() == n.longValue() && n.longValue() >= 0) {
      return n.longValue();
    }
    throw TetherException.badRequest("since must be a non-negative integer");
  }
}
