package io.tether.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.support.Await;
import io.vertx.core.Vertx;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link RateLimiter} does; run against the local and the Redis implementation. */
abstract class RateLimiterContract {
  protected Vertx vertx;
  private RateLimiter limiter;

  protected abstract RateLimiter newLimiter(Vertx vertx);

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    limiter = newLimiter(vertx);
  }

  @AfterEach
  void tearDown() {
    Await.result(vertx.close());
  }

  @Test
  void aFullBucketAllowsItsBurstThenRefusesWithAWait() {
    String key = "k-" + UUID.randomUUID();
    RateLimiter.Bucket bucket = new RateLimiter.Bucket(1, 5);
    for (int i = 0; i < 5; i++) {
      assertThat(Await.result(limiter.acquire(key, bucket)).allowed()).as("call %d", i).isTrue();
    }
    RateLimiter.Decision refused = Await.result(limiter.acquire(key, bucket));
    assertThat(refused.allowed()).isFalse();
    assertThat(refused.retryAfterMillis()).isBetween(1L, 1000L);
    assertThat(refused.retryAfterSeconds()).isEqualTo(1);
  }

  @Test
  void tokensComeBackAtTheRate() throws Exception {
    String key = "k-" + UUID.randomUUID();
    RateLimiter.Bucket bucket = new RateLimiter.Bucket(20, 1);
    assertThat(Await.result(limiter.acquire(key, bucket)).allowed()).isTrue();
    assertThat(Await.result(limiter.acquire(key, bucket)).allowed()).isFalse();
    Thread.sleep(120);
    assertThat(Await.result(limiter.acquire(key, bucket)).allowed()).isTrue();
  }

  @Test
  void keysHaveTheirOwnBuckets() {
    RateLimiter.Bucket bucket = new RateLimiter.Bucket(1, 1);
    String a = "a-" + UUID.randomUUID();
    String b = "b-" + UUID.randomUUID();
    assertThat(Await.result(limiter.acquire(a, bucket)).allowed()).isTrue();
    assertThat(Await.result(limiter.acquire(a, bucket)).allowed()).isFalse();
    assertThat(Await.result(limiter.acquire(b, bucket)).allowed()).isTrue();
  }
}
