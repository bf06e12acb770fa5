package io.tether.redis;

import io.tether.config.TetherConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;

/**
 * A node's one way to Redis, built once from {@code redis.*}: a pool for commands that the bus's
 * publisher, presence, rate limits and online users share, and the dedicated connection the bus
 * subscribes on (a connection in pub/sub mode can run no other command, so it never joins the pool).
 * Who uses it never closes it; the composition root does, after them.
 */
public final class RedisShard {
  /** Callers that wait for a pooled connection before Redis answers "busy": a storm's worth, bounded. */
  private static final int MAX_WAITING = 10_000;

  private final TetherConfig.Redis config;
  private final Redis commands;
  private final Redis subscriber;

  private RedisShard(TetherConfig.Redis config, Redis commands, Redis subscriber) {
    this.config = config;
    this.commands = commands;
    this.subscriber = subscriber;
  }

  public static RedisShard create(Vertx vertx, TetherConfig.Redis config) {
    Redis commands = Redis.createClient(vertx, new RedisOptions().setConnectionString(config.url())
        .setMaxPoolSize(config.poolSize()).setMaxPoolWaiting(MAX_WAITING).setMaxWaitingHandlers(MAX_WAITING));
    Redis subscriber = Redis.createClient(vertx, new RedisOptions().setConnectionString(config.url()));
    return new RedisShard(config, commands, subscriber);
  }

  public TetherConfig.Redis config() {
    return config;
  }

  /** Every key and channel of this deployment starts with this, so clusters can share one Redis. */
  public String prefix() {
    return config.channelPrefix();
  }

  /** The shared pool; {@code send} and {@code batch} borrow a connection per call. */
  public Redis commands() {
    return commands;
  }

  /** A new connection for pub/sub, owned by the caller until it closes it. */
  public Future<RedisConnection> subscriberConnection() {
    return subscriber.connect();
  }

  public Future<Void> close() {
    return Future.join(commands.close(), subscriber.close()).mapEmpty();
  }
}
