package io.tether.bus;

import io.tether.core.ChangeFrame;

import io.tether.config.TetherConfig;
import io.tether.redis.RedisShard;
import io.tether.core.Change;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ChangeBus} over Redis pub/sub, one channel per space, so every node sees every change.
 *
 * <p>One dedicated subscriber connection carries all of this node's channels. The Redis client neither
 * reconnects nor resubscribes by itself, so this class does: after losing the connection it retries
 * with capped, jittered exponential backoff, resubscribes every channel, and once each channel is
 * confirmed active tells its listeners that messages may have been lost. All subscription state lives
 * on one context ({@code busContext}); callers are answered on their own contexts.
 */
public final class RedisChangeBus implements ChangeBus {
  private static final Logger LOG = LoggerFactory.getLogger(RedisChangeBus.class);

  private static final long START_RETRY_MILLIS = 10_000;
  /** The type of the envelope around an ephemeral message; a change frame's type is {@code change}. */
  private static final String EPHEMERAL = "ephemeral";
  /** The type of a space's deletion notice, on its channel and on the membership channel. */
  private static final String DELETED = "space_deleted";

  private final Vertx vertx;
  private final Context busContext;
  private final Redis publisher;
  private final RedisShard shard;
  private final String prefix;
  private final int reconnectMinMillis;
  private final int reconnectMaxMillis;

  // Touched only on busContext.
  private final Map<String, Channel> channels = new HashMap<>();
  private final Map<String, Integer> unconfirmedSubscribes = new HashMap<>();
  private volatile RedisConnection subscriber;
  private int reconnectDelay;
  private boolean closed;
  private volatile long reconnects;

  private RedisChangeBus(Vertx vertx, RedisShard shard) {
    TetherConfig.Redis config = shard.config();
    this.shard = shard;
    this.vertx = vertx;
    this.busContext = vertx.getOrCreateContext();
    this.prefix = config.channelPrefix();
    this.reconnectMinMillis = config.reconnectMinMillis();
    this.reconnectMaxMillis = config.reconnectMaxMillis();
    this.reconnectDelay = reconnectMinMillis;
    this.publisher = shard.commands(RedisShard.Use.PUBLISH);
  }

  /**
   * Connects the subscriber connection, retrying for a few seconds (Redis may be starting beside us, as
   * in a compose file); fails if Redis still cannot be reached (a misconfigured URL).
   */
  public static Future<RedisChangeBus> start(Vertx vertx, RedisShard shard) {
    TetherConfig.Redis config = shard.config();
    RedisChangeBus bus = new RedisChangeBus(vertx, shard);
    Promise<RedisChangeBus> started = Promise.promise();
    long deadline = System.currentTimeMillis() + START_RETRY_MILLIS;
    bus.busContext.runOnContext(v -> bus.connectAtStart(started, deadline, config.reconnectMinMillis()));
    return started.future();
  }

  private void connectAtStart(Promise<RedisChangeBus> started, long deadline, long delay) {
    connect().onSuccess(ok -> started.complete(this)).onFailure(err -> {
      if (System.currentTimeMillis() + delay > deadline) {
        started.fail(err);
      } else {
        vertx.setTimer(delay, id -> busContext.runOnContext(v -> connectAtStart(started, deadline,
            Math.min(delay * 2, reconnectMaxMillis))));
      }
    });
  }

  @Override
  public Future<Void> publish(Change change) {
    if (closed) {
      return Future.failedFuture("bus closed");
    }
    // The frame, then (for filtered subscribers, never for clients) the data before the change on
    // a line of its own: a frame has no raw newline, and receivers hand the frame on untouched.
    String message = change.before() == null ? change.toFrame() : change.toFrame() + "\n" + change.before().encode();
    return publisher.send(Request.cmd(Command.PUBLISH).arg(prefix + change.space()).arg(message)).mapEmpty();
  }

  @Override
  public Future<Void> publishMembershipChange(String space, String userId) {
    if (closed) {
      return Future.failedFuture("bus closed");
    }
    String message = new JsonObject().put("type", "membership").put("space", space).put("userId", userId).encode();
    return publisher.send(Request.cmd(Command.PUBLISH).arg(prefix + MEMBERSHIPS).arg(message)).mapEmpty();
  }

  @Override
  public boolean connected() {
    return subscriber != null && !closed;
  }

  @Override
  public Future<Void> publishEphemeral(String space, JsonObject message) {
    if (closed) {
      return Future.failedFuture("bus closed");
    }
    // Wrapped, so the bus tells it from a change without knowing what it carries.
    String envelope = new JsonObject().put("type", EPHEMERAL).put("payload", message).encode();
    return publisher.send(Request.cmd(Command.PUBLISH).arg(prefix + space).arg(envelope)).mapEmpty();
  }

  @Override
  public Future<Void> publishRevocation(String space, String userId) {
    if (closed) {
      return Future.failedFuture("bus closed");
    }
    String message = new JsonObject().put("type", "revoke").put("space", space).put("userId", userId).encode();
    return publisher.send(Request.cmd(Command.PUBLISH).arg(prefix + space).arg(message)).mapEmpty();
  }

  @Override
  public Future<Void> publishSpaceDeleted(String space) {
    if (closed) {
      return Future.failedFuture("bus closed");
    }
    String message = new JsonObject().put("type", DELETED).put("space", space).encode();
    return Future.all(publisher.send(Request.cmd(Command.PUBLISH).arg(prefix + space).arg(message)),
        publisher.send(Request.cmd(Command.PUBLISH).arg(prefix + MEMBERSHIPS).arg(message))).mapEmpty();
  }

  @Override
  public Future<Subscription> subscribe(String space, BusListener listener) {
    Context caller = vertx.getOrCreateContext();
    Promise<Subscription> result = Promise.promise();
    busContext.runOnContext(v -> {
      if (closed) {
        caller.runOnContext(x -> result.fail("bus closed"));
        return;
      }
      String name = prefix + space;
      Channel channel = channels.computeIfAbsent(name, Channel::new);
      Registration registration = new Registration(channel, listener, caller);
      channel.registrations.add(registration);
      if (channel.active || subscriber == null) {
        caller.runOnContext(x -> result.complete(registration));
      } else {
        channel.whenActive.add(() -> caller.runOnContext(x -> result.complete(registration)));
        if (channel.registrations.size() == 1) {
          sendSubscribe(channel);
        }
      }
    });
    return result.future();
  }

  @Override
  public Future<Void> ping() {
    if (closed) {
      return Future.failedFuture("bus closed");
    }
    return publisher.send(Request.cmd(Command.PING)).compose(pong -> subscriber != null
        ? Future.<Void>succeededFuture()
        : Future.failedFuture("the subscriber connection is down"));
  }

  /** The name the subscriber connection shows in {@code CLIENT LIST}, so ops can tell deployments apart. */
  static String connectionName(String channelPrefix) {
    return "tether-bus:" + channelPrefix.replaceAll("[^A-Za-z0-9:_.-]", "_");
  }

  /** Subscriber reconnections since start; for tests and metrics. */
  public long reconnects() {
    return reconnects;
  }

  @Override
  public Future<Void> close() {
    Promise<Void> done = Promise.promise();
    busContext.runOnContext(v -> {
      closed = true;
      RedisConnection conn = subscriber;
      subscriber = null;
      channels.clear();
      // The shard's pool is not ours to close: presence and rate limits may still be finishing.
      (conn == null ? Future.<Void>succeededFuture() : conn.close()).onComplete(ar -> done.complete());
    });
    return done.future();
  }

  private Future<Void> connect() {
    return shard.subscriberConnection().compose(conn -> {
      conn.handler(this::onPush);
      conn.exceptionHandler(err -> LOG.warn("Redis subscriber connection error: {}", err.toString()));
      conn.endHandler(v -> onConnectionLost(conn));
      return conn.send(Request.cmd(Command.CLIENT).arg("SETNAME").arg(connectionName(prefix))).map(conn);
    }).map(conn -> {
      subscriber = conn;
      reconnectDelay = reconnectMinMillis;
      unconfirmedSubscribes.clear();
      for (Channel channel : channels.values()) {
        channel.gapPossible = true;
        sendSubscribe(channel);
      }
      return null;
    });
  }

  private void onConnectionLost(RedisConnection conn) {
    if (conn != subscriber || closed) {
      return;
    }
    LOG.warn("Lost the Redis subscriber connection; reconnecting");
    subscriber = null;
    for (Channel channel : channels.values()) {
      channel.active = false;
      channel.gapPossible = true;
      channel.runWhenActive(); // callers waiting on a dead connection are answered now; they get onGapPossible later
    }
    scheduleReconnect();
  }

  private void scheduleReconnect() {
    if (closed) {
      return;
    }
    // Full jitter, so a cluster's nodes do not all hit a restarted Redis in the same millisecond.
    long delay = 1 + ThreadLocalRandom.current().nextInt(reconnectDelay);
    reconnectDelay = Math.min(reconnectMaxMillis, reconnectDelay * 2);
    vertx.setTimer(delay, id -> busContext.runOnContext(v -> connect()
        .onSuccess(ok -> {
          reconnects++;
          LOG.info("Redis subscriber reconnected; resubscribed {} channels", channels.size());
        })
        .onFailure(err -> {
          LOG.warn("Redis reconnect failed: {}", err.toString());
          scheduleReconnect();
        })));
  }

  private void sendSubscribe(Channel channel) {
    if (subscriber == null) {
      return;
    }
    unconfirmedSubscribes.merge(channel.name, 1, Integer::sum);
    subscriber.send(Request.cmd(Command.SUBSCRIBE).arg(channel.name))
        .onFailure(err -> LOG.warn("SUBSCRIBE {} failed: {}", channel.name, err.toString()));
  }

  private void onPush(Response push) {
    if (push.type() != ResponseType.PUSH && push.type() != ResponseType.MULTI || push.size() < 3) {
      return;
    }
    String kind = push.get(0).toString();
    String name = push.get(1).toString();
    if ("message".equals(kind)) {
      onMessage(name, push.get(2).toString());
    } else if ("subscribe".equals(kind)) {
      onSubscribed(name);
    }
  }

  private void onSubscribed(String name) {
    // A channel counts as active only when its latest SUBSCRIBE is confirmed, not an earlier one
    // sent before an UNSUBSCRIBE of the same channel.
    int left = unconfirmedSubscribes.getOrDefault(name, 1) - 1;
    if (left > 0) {
      unconfirmedSubscribes.put(name, left);
      return;
    }
    unconfirmedSubscribes.remove(name);
    Channel channel = channels.get(name);
    if (channel == null) {
      return;
    }
    channel.active = true;
    channel.runWhenActive();
    if (channel.gapPossible) {
      channel.gapPossible = false;
      for (Registration r : channel.registrations) {
        r.context.runOnContext(v -> r.listener.onGapPossible());
      }
    }
  }

  private void onMessage(String name, String received) {
    Channel channel = channels.get(name);
    if (channel == null) {
      return;
    }
    int newline = received.indexOf('\n');
    String payload = newline < 0 ? received : received.substring(0, newline);
    String before = newline < 0 ? null : received.substring(newline + 1);
    JsonObject parsed;
    try {
      parsed = new JsonObject(payload);
    } catch (RuntimeException e) {
      LOG.warn("Dropping an unreadable message on {}", name);
      return;
    }
    if ("membership".equals(parsed.getString("type"))) {
      String space = parsed.getString("space");
      String userId = parsed.getString("userId");
      for (Registration r : channel.registrations) {
        r.context.runOnContext(v -> r.listener.onMembershipChanged(space, userId));
      }
      return;
    }
    if ("revoke".equals(parsed.getString("type"))) {
      String userId = parsed.getString("userId");
      for (Registration r : channel.registrations) {
        r.context.runOnContext(v -> r.listener.onRevoked(userId));
      }
      return;
    }
    if (DELETED.equals(parsed.getString("type"))) {
      String space = parsed.getString("space");
      for (Registration r : channel.registrations) {
        r.context.runOnContext(v -> r.listener.onSpaceDeleted(space));
      }
      return;
    }
    if (EPHEMERAL.equals(parsed.getString("type"))) {
      if (parsed.getValue("payload") instanceof JsonObject message) {
        for (Registration r : channel.registrations) {
          r.context.runOnContext(v -> r.listener.onEphemeral(message));
        }
      }
      return;
    }
    ChangeFrame frame = ChangeFrame.of(parsed.getString("space"), parsed.getLong("seq", 0L), payload, commitMillis(parsed),
        before);
    for (Registration r : channel.registrations) {
      r.context.runOnContext(v -> r.listener.onChange(frame));
    }
  }

  private static long commitMillis(JsonObject change) {
    try {
      return java.time.Instant.parse(change.getString("ts")).toEpochMilli();
    } catch (RuntimeException e) {
      return 0;
    }
  }

  /** A Redis channel of one space and the listeners on it. */
  private static final class Channel {
    final String name;
    final List<Registration> registrations = new ArrayList<>();
    List<Runnable> whenActive = new ArrayList<>();
    boolean active;
    boolean gapPossible;

    Channel(String name) {
      this.name = name;
    }

    void runWhenActive() {
      List<Runnable> waiting = whenActive;
      whenActive = new ArrayList<>();
      waiting.forEach(Runnable::run);
    }
  }

  private final class Registration implements Subscription {
    final Channel channel;
    final BusListener listener;
    final Context context;

    Registration(Channel channel, BusListener listener, Context context) {
      this.channel = channel;
      this.listener = listener;
      this.context = context;
    }

    @Override
    public Future<Void> unsubscribe() {
      Context caller = vertx.getOrCreateContext();
      Promise<Void> done = Promise.promise();
      busContext.runOnContext(v -> {
        channel.registrations.remove(this);
        if (channel.registrations.isEmpty() && channels.get(channel.name) == channel) {
          channels.remove(channel.name);
          if (subscriber != null) {
            subscriber.send(Request.cmd(Command.UNSUBSCRIBE).arg(channel.name));
          }
        }
        caller.runOnContext(x -> done.complete());
      });
      return done.future();
    }
  }
}
