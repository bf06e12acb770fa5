package io.tether.suites.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.support.ApiClient.Response;
import io.tether.support.TestCluster;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** Issue 16, item 5: a sign-in's fields are checked for size before they are looked up or counted. */
class SignInInputIT {

  @Test
  void aMegabyteEmailIsRefusedBeforeItIsKeyedOrLookedUp() {
    try (TestCluster cluster = TestCluster.single(new JsonObject())) {
      for (JsonObject body : new JsonObject[] {
          new JsonObject().put("email", "a".repeat(900_000) + "@example.test").put("password", "correct horse"),
          new JsonObject().put("email", "ann@example.test").put("password", "p".repeat(900_000))}) {
        Response refused = cluster.api().send("POST", "/v1/auth/login", null, body.encode());
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.errorCode()).isEqualTo("bad_request");
        assertThat(refused.body()).contains("at most 254");
      }
    }
  }
}
