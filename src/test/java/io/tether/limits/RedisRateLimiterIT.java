package io.tether.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.support.Await;
import io.tether.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The contract over the machine's Redis, and what only Redis gives: one bucket for all nodes. */
class RedisRateLimiterIT extends RateLimiterContract {
  private final String prefix = "tether-rl-test-" + UUID.randomUUID() + ":";

  @Override
  protected RateLimiter newLimiter(Vertx vertx) {
    return new RedisRateLimiter(vertx, Redis.createClient(vertx, TestNode.REDIS_URL), prefix);
  }

  @Test
  void twoNodesShareOneBucket() {
    RateLimiter nodeA = newLimiter(vertx);
    RateLimiter nodeB = newLimiter(vertx);
    RateLimiter.Bucket bucket = new RateLimiter.Bucket(0.01, 4);
    int allowed = 0;
    for (int i = 0; i < 10; i++) {
      RateLimiter node = i % 2 == 0 ? nodeA : nodeB;
      if (Await.result(node.acquire("shared", bucket)).allowed()) {
        allowed++;
      }
    }
    assertThat(allowed).isEqualTo(4);
  }

  @Test
  void anUnreachableRedisAllowsCallsRatherThanFailingThem() {
    RateLimiter broken = new RedisRateLimiter(vertx, Redis.createClient(vertx, "redis://127.0.0.1:1"), prefix);
    assertThat(Await.result(broken.acquire("k", new RateLimiter.Bucket(1, 1))).allowed()).isTrue();
  }
}
