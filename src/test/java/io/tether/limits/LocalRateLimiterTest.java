package io.tether.limits;

import io.vertx.core.Vertx;

class LocalRateLimiterTest extends RateLimiterContract {
  @Override
  protected RateLimiter newLimiter(Vertx vertx) {
    return new LocalRateLimiter();
  }
}
