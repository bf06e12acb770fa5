package io.tether.suites.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.support.ApiClient;
import io.tether.support.ApiClient.Account;
import io.tether.support.ApiClient.Response;
import io.tether.support.Await;
import io.tether.support.TestCluster;
import io.tether.support.WebhookReceiver;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** Issue 16, item 13: a webhook stops sending the space's changes once its creator is no longer an owner. */
class WebhookAuthorityIT {
  private static final String ADMIN = "webhook-authority-admin-token";

  @Test
  void aDemotedCreatorsWebhookDeliversNothingUntilAnOwnerRegistersIt() throws Exception {
    try (TestCluster cluster = TestCluster.single(new JsonObject()
             .put("server", new JsonObject().put("adminToken", ADMIN))
             .put("webhooks", new JsonObject().put("allowPrivateTargets", true))
             .put("jobs", new JsonObject().put("pollMillis", 50).put("maxAttempts", 1)));
         WebhookReceiver receiver = new WebhookReceiver(cluster.vertx())) {
      ApiClient api = cluster.api();
      Account creator = api.register();
      Account other = api.register();
      String space = "authority";
      api.createSpace(creator, space);
      api.addMember(creator, space, other.userId(), "owner");
      String hook = "/v1/spaces/" + space + "/webhooks/w";
      assertThat(api.send("PUT", hook, creator.token(), new JsonObject().put("url", receiver.url()).encode()).status())
          .isEqualTo(200);
      api.put(creator, space, "docs", "a", new JsonObject());
      Await.until("the first change is delivered", 10, () -> receiver.accepted().size() == 1);

      // The other owner demotes the creator to writer: the creator's webhook speaks for nobody now.
      assertThat(api.addMember(other, space, creator.userId(), "writer").status()).isEqualTo(200);
      api.put(other, space, "docs", "b", new JsonObject());
      Await.until("the delivery is refused", 10, () -> api.send("GET", "/admin/jobs", ADMIN, null).json()
          .getJsonArray("deadJobs").stream().map(j -> ((JsonObject) j).getString("lastError"))
          .anyMatch(e -> e != null && e.contains("no longer an owner")));
      assertThat(receiver.received()).as("nothing after the demotion").hasSize(1);

      Response again = api.send("PUT", hook, other.token(), new JsonObject().put("url", receiver.url()).encode());
      assertThat(again.status()).isEqualTo(200);
      api.put(other, space, "docs", "c", new JsonObject());
      Await.until("deliveries resume under the new owner", 10, () -> receiver.accepted().size() == 2);
    }
  }
}
