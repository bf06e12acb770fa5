package io.tether.limits;

import io.tether.ops.Occasionally;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Token buckets in Redis, so a limit holds across every node. One Lua script reads, refills and takes
 * atomically, on Redis's clock (nodes' clocks may differ). If Redis cannot answer, calls are allowed:
 * an outage of the limiter must not become an outage of the API.
 */
public final class RedisRateLimiter implements RateLimiter {
  private static final Logger LOG = LoggerFactory.getLogger(RedisRateLimiter.class);

  private static final String SCRIPT = """
      local rate = tonumber(ARGV[1])
      local burst = tonumber(ARGV[2])
      local cost = tonumber(ARGV[3])
      local t = redis.call('TIME')
      local now = t[1] * 1000 + math.floor(t[2] / 1000)
      local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
      local tokens = tonumber(state[1]) or burst
      local ts = tonumber(state[2]) or now
      tokens = math.min(burst, tokens + (now - ts) * rate / 1000)
      local allowed = 0
      local wait = 0
      if tokens >= 1 then
        tokens = math.max(tokens - cost, -burst)
        allowed = 1
      else
        wait = math.ceil((1 - tokens) * 1000 / rate)
      end
      redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', now)
      redis.call('PEXPIRE', KEYS[1], math.ceil(2 * burst * 1000 / rate) + 1000)
      return {allowed, wait}""";

  private final Redis redis;
  private final String prefix;
  private final Occasionally warnings = new Occasionally(10_000);

  /** How long a decision may take before the call is allowed anyway (as when Redis cannot answer). */
  static final long DECISION_TIMEOUT_MILLIS = 500;

  private final io.vertx.core.Vertx vertx;

  public RedisRateLimiter(io.vertx.core.Vertx vertx, Redis redis, String prefix) {
    this.vertx = vertx;
    this.redis = redis;
    this.prefix = prefix;
  }

  @Override
  public Future<Decision> acquire(String key, Bucket bucket, int cost) {
    Request eval = Request.cmd(Command.EVAL).arg(SCRIPT).arg(1).arg(prefix + "rl:" + key)
        .arg(Double.toString(bucket.perSecond())).arg(bucket.burst()).arg(cost);
    // Every request and frame waits on this: a reply that does not come (a Redis that hangs, a pooled
    // connection that never gives its reply back, seen in the bench suite) must not hang them too.
    io.vertx.core.Promise<Decision> decided = io.vertx.core.Promise.promise();
    long timer = vertx.setTimer(DECISION_TIMEOUT_MILLIS, id -> {
      if (decided.tryComplete(Decision.ALLOW) && warnings.now()) {
        LOG.warn("Rate limiting through Redis took over {} ms, allowing calls meanwhile", DECISION_TIMEOUT_MILLIS);
      }
    });
    redis.send(eval)
        .map(reply -> new Decision(reply.get(0).toInteger() == 1, reply.get(1).toLong()))
        .recover(err -> {
          if (warnings.now()) {
            LOG.warn("Rate limiting through Redis failed, allowing calls meanwhile: {}", err.toString());
          }
          return Future.succeededFuture(Decision.ALLOW);
        })
        .onSuccess(decision -> {
          vertx.cancelTimer(timer);
          decided.tryComplete(decision);
        });
    return decided.future();
  }
}
