package io.tether.redis;

import io.tether.config.TetherConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;

/**
 * A node's one way to Redis, built once from {@code redis.*}: a command pool per use (the bus's
 * publisher, presence, rate limits, online users), all with the same options, and the dedicated
 * connection the bus subscribes on (a connection in pub/sub mode can run no other command, so it
 * never joins a pool). One pool per use, so one use's busy connections do not delay the others.
 * The client's default for requests in flight per connection is kept: with 10,000 (which the bus's
 * publisher used to set) the rate-limit pool starved in the bench suite, every connection held by a
 * request whose reply never reached its caller (2 of 2 runs; 0 of 3 without). Who uses it never
 * closes it; the composition root does, after them.
 */
public final class RedisShard {
  /** Callers that wait for a pooled connection before Redis answers "busy": a storm's worth, bounded. */
  private static final int MAX_WAITING = 10_000;

  /** What a pool is for; each has its own. */
  public enum Use { PUBLISH, PRESENCE, RATE_LIMITS, ONLINE_USERS }

  private final Vertx vertx;
  private final TetherConfig.Redis config;
  private final java.util.Map<Use, Redis> pools = new java.util.EnumMap<>(Use.class);
  private Redis subscriber;

  private RedisShard(Vertx vertx, TetherConfig.Redis config) {
    this.vertx = vertx;
    this.config = config;
  }

  public static RedisShard create(Vertx vertx, TetherConfig.Redis config) {
    return new RedisShard(vertx, config);
  }

  public TetherConfig.Redis config() {
    return config;
  }

  /** Every key and channel of this deployment starts with this, so clusters can share one Redis. */
  public String prefix() {
    return config.channelPrefix();
  }

  /** The pool for {@code use} ({@code redis.poolSize} connections); {@code send} and {@code batch} borrow one per call. */
  public synchronized Redis commands(Use use) {
    return pools.computeIfAbsent(use, u -> Redis.createClient(vertx, new RedisOptions().setConnectionString(config.url())
        .setMaxPoolSize(config.poolSize()).setMaxPoolWaiting(MAX_WAITING)));
  }

  /** A new connection for pub/sub, owned by the caller until it closes it. */
  public Future<RedisConnection> subscriberConnection() {
    Redis client;
    synchronized (this) {
      // Created by its first user, on that user's context (the bus's), like every pool here.
      if (subscriber == null) {
        subscriber = Redis.createClient(vertx, new RedisOptions().setConnectionString(config.url()));
      }
      client = subscriber;
    }
    return client.connect();
  }

  public synchronized Future<Void> close() {
    java.util.List<Future<Void>> closing = new java.util.ArrayList<>();
    pools.values().forEach(pool -> closing.add(pool.close()));
    if (subscriber != null) {
      closing.add(subscriber.close());
    }
    return Future.join(closing).mapEmpty();
  }
}
