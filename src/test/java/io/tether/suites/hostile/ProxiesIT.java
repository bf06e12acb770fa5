package io.tether.suites.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.support.ApiClient;
import io.tether.support.ApiClient.Response;
import io.tether.support.TestCluster;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, items 14 and 16: behind a trusted proxy each client has its own buckets, so one
 * attacker cannot lock everyone's sign-ins or a chosen account; and a client that forges
 * X-Forwarded-For without a trusted proxy in front gains nothing.
 */
class ProxiesIT {

  private static Response login(ApiClient api, String email, String password, String client) {
    return api.send("POST", "/v1/auth/login", null, new JsonObject().put("email", email).put("password", password).encode(),
        "X-Forwarded-For", client);
  }

  private static String registered(ApiClient api, String password) {
    String email = "victim-" + System.nanoTime() + "@example.test";
    Response r = api.send("POST", "/v1/auth/register", null, new JsonObject().put("email", email).put("password", password)
        .encode(), "X-Forwarded-For", "192.0.2." + (System.nanoTime() % 200));
    assertThat(r.status()).isEqualTo(201);
    return email;
  }

  @Test
  void behindATrustedProxyAnAttackerLocksOnlyHimself() {
    // The test talks from 127.0.0.1, standing in for the balancer.
    try (TestCluster cluster = TestCluster.single(new JsonObject()
        .put("http", new JsonObject().put("trustedProxies", "127.0.0.1"))
        .put("limits", new JsonObject().put("loginAttemptsPerMinute", 3).put("ipRequestsPerSecond", 1000).put("ipBurst", 1000)))) {
      ApiClient api = cluster.api();
      String victim = registered(api, "the real password");
      int refused = 0;
      for (int i = 0; i < 6; i++) {
        if (login(api, victim, "guess " + i, "1.2.3.4, 198.51.100.66").status() == 429) {
          refused++;
        }
      }
      assertThat(refused).as("the attacker's address is throttled").isGreaterThanOrEqualTo(3);
      assertThat(login(api, victim, "the real password", "203.0.113.10").status())
          .as("the owner, signing in from elsewhere, is not locked out").isEqualTo(200);
      assertThat(login(api, registered(api, "another password"), "another password", "203.0.113.11").status())
          .as("nor is anyone else").isEqualTo(200);
    }
  }

  @Test
  void withoutATrustedProxyAForgedHeaderChangesNothing() {
    try (TestCluster cluster = TestCluster.single(new JsonObject()
        .put("limits", new JsonObject().put("loginAttemptsPerMinute", 3).put("ipRequestsPerSecond", 1000).put("ipBurst", 1000)))) {
      ApiClient api = cluster.api();
      int refused = 0;
      // Sign-ins per address: 3 x 3 a minute, whatever address each request claims.
      for (int i = 0; i < 12; i++) {
        if (login(api, "nobody-" + i + "@example.test", "x", "198.51.100." + i).status() == 429) {
          refused++;
        }
      }
      assertThat(refused).isGreaterThanOrEqualTo(3);
    }
  }
}
