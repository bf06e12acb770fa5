package io.tether.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tether.config.ConfigLoader;
import io.tether.ops.Metrics;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 16, item 5: what the caller sends never becomes a bucket key as it is. */
class RequestLimitsTest {

  @Test
  void keysAreDigestsOfBoundedSizeWhateverTheInput() {
    List<String> keys = new ArrayList<>();
    RateLimiter recording = (key, bucket, cost) -> {
      keys.add(key);
      return Future.succeededFuture(RateLimiter.Decision.ALLOW);
    };
    RequestLimits limits = new RequestLimits(recording, ConfigLoader.resolve(new JsonObject(), Map.of()).limits(),
        new Metrics(new SimpleMeterRegistry()));
    String huge = "a".repeat(1 << 20) + "@example.test";
    limits.signIn(huge, "203.0.113.9");
    limits.signIn("Ann@Example.test ", "203.0.113.9");
    limits.signIn("ann@example.test", "203.0.113.9");
    limits.user("u-" + "x".repeat(10_000));

    assertThat(keys).allSatisfy(key -> assertThat(key.length()).isLessThanOrEqualTo(40));
    // Each sign-in takes the address's bucket, the account's at that address, then the account's everywhere.
    assertThat(keys).hasSize(10);
    assertThat(keys.get(3)).as("the IP's bucket is the same for every sign-in from it").isEqualTo(keys.get(0));
    assertThat(keys.get(4)).as("an account's bucket ignores case and spaces").isEqualTo(keys.get(7));
    assertThat(keys.get(5)).isEqualTo(keys.get(8));
    assertThat(keys.get(4)).isNotEqualTo(keys.get(5));
    assertThat(keys.get(1)).isNotEqualTo(keys.get(4));
    assertThat(keys).allSatisfy(key -> assertThat(key).matches("[a-z-]+:[A-Za-z0-9_-]{22}"));
  }

  @Test
  void ipv6AddressesCountByTheirSlash64() {
    assertThat(RequestLimits.network("2001:db8:1:2::99")).isEqualTo("2001:db8:1:2::/64");
    assertThat(RequestLimits.network("2001:db8:1:2:ffff:1:2:3")).isEqualTo("2001:db8:1:2::/64");
    assertThat(RequestLimits.network("2001:db8:1:3::1")).isEqualTo("2001:db8:1:3::/64");
    assertThat(RequestLimits.network("203.0.113.9")).isEqualTo("203.0.113.9");
  }
}
