package io.tether.suites.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.support.ApiClient;
import io.tether.support.ApiClient.Account;
import io.tether.support.Await;
import io.tether.support.TestCluster;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Test;

/** Issue 16, item 10: what one user or space can make the job workers do is capped and collapsed. */
class OutboundCapsIT {

  @Test
  void devicesWebhooksAndNotificationsAreBounded() {
    try (TestCluster cluster = TestCluster.single(new JsonObject()
        .put("push", new JsonObject().put("maxDevicesPerUser", 3).put("collapseSeconds", 30))
        .put("webhooks", new JsonObject().put("maxPerSpace", 2).put("allowPrivateTargets", true)))) {
      ApiClient api = cluster.api();
      Account user = api.register();
      for (int i = 0; i < 3; i++) {
        assertThat(device(api, user, "phone-" + i)).isEqualTo(200);
      }
      assertThat(device(api, user, "phone-3")).as("a fourth device").isEqualTo(413);
      assertThat(device(api, user, "phone-1")).as("updating one is not adding one").isEqualTo(200);

      api.createSpace(user, "capped");
      for (int i = 0; i < 2; i++) {
        assertThat(webhook(api, user, "w" + i)).isEqualTo(200);
      }
      assertThat(webhook(api, user, "w2")).as("a third webhook").isEqualTo(413);
      assertThat(webhook(api, user, "w0")).as("replacing one").isEqualTo(200);

      for (int i = 0; i < 20; i++) {
        assertThat(api.send("POST", "/v1/spaces/capped/notify", user.token(),
            new JsonObject().put("title", "ping " + i).encode()).status()).isEqualTo(202);
      }
      long queued = Await.result(cluster.db().pool().preparedQuery(
          "SELECT count(*) FROM jobs WHERE kind = 'push' AND payload->>'space' = $1 AND state = 'pending'")
          .execute(Tuple.of("capped"))).iterator().next().getLong(0);
      String last = Await.result(cluster.db().pool().preparedQuery(
          "SELECT payload->>'title' FROM jobs WHERE kind = 'push' AND payload->>'space' = $1")
          .execute(Tuple.of("capped"))).iterator().next().getString(0);
      assertThat(queued).as("20 notifications in the collapse window wait as one").isEqualTo(1);
      assertThat(last).as("the latest wins").isEqualTo("ping 19");
    }
  }

  private static int device(ApiClient api, Account user, String id) {
    return api.send("PUT", "/v1/devices/" + id, user.token(),
        new JsonObject().put("platform", "webhook").put("token", "http://127.0.0.1:9/push/" + id).encode()).status();
  }

  private static int webhook(ApiClient api, Account user, String id) {
    return api.send("PUT", "/v1/spaces/capped/webhooks/" + id, user.token(),
        new JsonObject().put("url", "http://127.0.0.1:9/hook/" + id).encode()).status();
  }
}
