package io.tether.push;

import io.tether.limits.ConnectionCounter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Many nodes: a Redis hash per user, {@code <prefix>online:<user>}, with one field per node that
 * holds a socket of theirs, valued with the time until which that node vouches for it. A node sets
 * its field when the user's first socket opens there, deletes it when the last closes, and renews
 * every field it holds each {@code refreshMillis}; a node that dies simply stops renewing, and its
 * fields count for nothing once their time has passed (three refresh periods).
 */
public final class RedisOnlineUsers implements OnlineUsers, ConnectionCounter.Listener {
  private static final Logger LOG = LoggerFactory.getLogger(RedisOnlineUsers.class);

  private final Vertx vertx;
  private final Redis redis;
  private final String prefix;
  private final ConnectionCounter connections;
  private final long refreshMillis;
  private final String node = UUID.randomUUID().toString();
  private final long timer;

  public RedisOnlineUsers(Vertx vertx, Redis redis, String prefix, ConnectionCounter connections, long refreshMillis) {
    this.vertx = vertx;
    this.redis = redis;
    this.prefix = prefix;
    this.connections = connections;
    this.refreshMillis = refreshMillis;
    connections.listen(this);
    this.timer = vertx.setPeriodic(refreshMillis, id -> refresh());
  }

  @Override
  public void online(String userId) {
    redis.batch(vouch(userId)).onFailure(err -> LOG.debug("Could not mark {} online: {}", userId, err.toString()));
  }

  @Override
  public void offline(String userId) {
    redis.send(Request.cmd(io.vertx.redis.client.Command.HDEL).arg(key(userId)).arg(node))
        .onFailure(err -> LOG.debug("Could not mark {} offline: {}", userId, err.toString()));
  }

  @Override
  public Future<Set<String>> online(Collection<String> userIds) {
    if (userIds.isEmpty()) {
      return Future.succeededFuture(Set.of());
    }
    List<String> users = new ArrayList<>(userIds);
    List<Request> reads = new ArrayList<>();
    users.forEach(user -> reads.add(Request.cmd(io.vertx.redis.client.Command.HVALS).arg(key(user))));
    return redis.batch(reads).map(answers -> {
      long now = System.currentTimeMillis();
      Set<String> online = new HashSet<>();
      for (int i = 0; i < users.size(); i++) {
        Response values = answers.get(i);
        if (values != null) {
          for (Response until : values) {
            if (until != null && Long.parseLong(until.toString()) > now) {
              online.add(users.get(i));
              break;
            }
          }
        }
      }
      return online;
    });
  }

  private void refresh() {
    List<Request> writes = new ArrayList<>();
    for (String user : connections.users()) {
      writes.addAll(vouch(user));
    }
    if (!writes.isEmpty()) {
      redis.batch(writes).onFailure(err -> LOG.debug("Could not renew online users: {}", err.toString()));
    }
  }

  private List<Request> vouch(String userId) {
    long until = System.currentTimeMillis() + 3 * refreshMillis;
    return List.of(Request.cmd(io.vertx.redis.client.Command.HSET).arg(key(userId)).arg(node).arg(until),
        Request.cmd(io.vertx.redis.client.Command.PEXPIRE).arg(key(userId)).arg(6 * refreshMillis));
  }

  private String key(String userId) {
    return prefix + "online:" + userId;
  }

  @Override
  public void close() {
    vertx.cancelTimer(timer);
  }
}
