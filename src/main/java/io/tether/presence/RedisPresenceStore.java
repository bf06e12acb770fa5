package io.tether.presence;

import io.tether.ops.Occasionally;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Many nodes: a Redis hash per space, {@code <prefix>presence:<space>}, one field per socket, valued
 * with the entry and the time until which its node vouches for it. Each node renews its own fields
 * every third of the time to live, writing them whole, so they come back after Redis lost its data
 * (it keeps none on disk here); a dead node stops, and its fields count for nothing once their time
 * has passed (readers then delete them). A socket removed while a renewal was in flight is deleted
 * again once the renewal is answered, so the renewal cannot bring it back.
 */
public final class RedisPresenceStore implements PresenceStore {
  private static final Logger LOG = LoggerFactory.getLogger(RedisPresenceStore.class);

  private final Vertx vertx;
  private final Redis redis;
  private final String prefix;
  private final long ttlMillis;
  private final Map<String, Map<String, PresenceEntry>> own = new ConcurrentHashMap<>();
  private final long timer;
  private final Occasionally renewalWarnings = new Occasionally(60_000);

  public RedisPresenceStore(Vertx vertx, Redis redis, String prefix, long ttlMillis) {
    this.vertx = vertx;
    this.redis = redis;
    this.prefix = prefix;
    this.ttlMillis = ttlMillis;
    this.timer = vertx.setPeriodic(Math.max(1, ttlMillis / 3), id -> renew());
  }

  @Override
  public Future<Void> put(String space, PresenceEntry entry) {
    own.computeIfAbsent(space, s -> new ConcurrentHashMap<>()).put(entry.connection(), entry);
    return redis.batch(List.of(
            Request.cmd(Command.HSET).arg(key(space)).arg(entry.connection()).arg(value(entry)),
            Request.cmd(Command.PEXPIRE).arg(key(space)).arg(2 * ttlMillis)))
        .mapEmpty();
  }

  @Override
  public Future<Void> remove(String space, String connection) {
    own.computeIfPresent(space, (s, entries) -> {
      entries.remove(connection);
      return entries.isEmpty() ? null : entries;
    });
    return redis.send(Request.cmd(Command.HDEL).arg(key(space)).arg(connection)).mapEmpty();
  }

  @Override
  public Future<List<PresenceEntry>> list(String space) {
    return redis.send(Request.cmd(Command.HGETALL).arg(key(space))).map(all -> {
      long now = System.currentTimeMillis();
      List<PresenceEntry> live = new ArrayList<>();
      List<String> expired = new ArrayList<>();
      if (all != null) {
        for (String field : all.getKeys()) {
          Response raw = all.get(field);
          JsonObject json = parse(raw == null ? null : raw.toString());
          PresenceEntry entry = PresenceEntry.fromJson(json);
          if (entry == null || json.getLong("until", 0L) <= now) {
            expired.add(field);
          } else {
            live.add(entry);
          }
        }
      }
      if (!expired.isEmpty()) {
        Request delete = Request.cmd(Command.HDEL).arg(key(space));
        expired.forEach(delete::arg);
        redis.send(delete).onFailure(err -> LOG.debug("Could not delete expired presence: {}", err.toString()));
      }
      return live;
    });
  }

  @Override
  public void close() {
    vertx.cancelTimer(timer);
  }

  private void renew() {
    List<Request> renewals = new ArrayList<>();
    Map<String, List<String>> renewed = new java.util.HashMap<>();
    own.forEach((space, entries) -> {
      if (entries.isEmpty()) {
        return;
      }
      Request set = Request.cmd(Command.HSET).arg(key(space));
      List<String> connections = new ArrayList<>();
      entries.values().forEach(entry -> {
        set.arg(entry.connection()).arg(value(entry));
        connections.add(entry.connection());
      });
      renewals.add(set);
      renewals.add(Request.cmd(Command.PEXPIRE).arg(key(space)).arg(2 * ttlMillis));
      renewed.put(space, connections);
    });
    if (renewals.isEmpty()) {
      return;
    }
    redis.batch(renewals)
        .onSuccess(ok -> renewed.forEach((space, connections) -> {
          Map<String, PresenceEntry> still = own.getOrDefault(space, Map.of());
          List<String> gone = connections.stream().filter(c -> !still.containsKey(c)).toList();
          if (!gone.isEmpty()) {
            Request delete = Request.cmd(Command.HDEL).arg(key(space));
            gone.forEach(delete::arg);
            redis.send(delete).onFailure(err -> LOG.debug("Could not delete presence: {}", err.toString()));
          }
        }))
        .onFailure(err -> {
          // While Redis is down every renewal fails: one line a minute says so.
          if (renewalWarnings.now()) {
            LOG.warn("Could not renew presence in Redis: {}", err.toString());
          }
        });
  }

  private String value(PresenceEntry entry) {
    return entry.toJson().put("until", System.currentTimeMillis() + ttlMillis).encode();
  }

  private static JsonObject parse(String text) {
    try {
      return text == null ? null : new JsonObject(text);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private String key(String space) {
    return prefix + "presence:" + space;
  }
}
