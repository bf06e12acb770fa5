package io.tether.suites.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.support.ApiClient;
import io.tether.support.ApiClient.Account;
import io.tether.support.Await;
import io.tether.support.TestCluster;
import io.tether.support.WsClient;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, item 12: a removal whose revocation never reached the node (here: the membership row
 * deleted behind the server's back, as when the publish failed) still ends the live subscription,
 * at the next periodic recheck or at the next re-auth.
 */
class LostRevocationIT {

  @Test
  void aSubscriptionWhoseRevocationWasLostEndsAtTheNextRecheck() {
    try (TestCluster cluster = TestCluster.single(new JsonObject()
        .put("sync", new JsonObject().put("pingIntervalSeconds", 1).put("idleTimeoutSeconds", 30)
            .put("membershipRecheckSeconds", 2)))) {
      ApiClient api = cluster.api();
      Account owner = api.register();
      Account member = api.register();
      api.createSpace(owner, "lost");
      api.addMember(owner, "lost", member.userId(), "reader");
      try (WsClient ws = WsClient.connect(cluster.vertx(), cluster.node().port(), member.token())) {
        ws.send(new JsonObject().put("type", "subscribe").put("id", "1").put("space", "lost").put("since", 0));
        assertThat(ws.awaitType("synced")).isNotNull();
        long removedAt = System.currentTimeMillis();
        Await.result(cluster.db().pool().preparedQuery("DELETE FROM members WHERE space_id = $1 AND user_id = $2")
            .execute(Tuple.of("lost", member.userId())));
        JsonObject revoked = ws.awaitFrame(f -> "error".equals(f.getString("type")) && "lost".equals(f.getString("space")), 15);
        System.out.printf("hostile: a subscription whose revocation was lost ended %.1f s later (recheck every 2 s)%n",
            (System.currentTimeMillis() - removedAt) / 1000.0);
        assertThat(revoked.getString("code")).isEqualTo("forbidden");
        api.put(owner, "lost", "docs", "secret", new JsonObject().put("x", 1));
        assertThat(ws.drain(1000)).noneMatch(f -> "change".equals(f.getString("type")));
      }
    }
  }

  @Test
  void aReauthenticationRechecksEverySubscription() {
    try (TestCluster cluster = TestCluster.single(new JsonObject()
        .put("sync", new JsonObject().put("membershipRecheckSeconds", 0)))) {
      ApiClient api = cluster.api();
      Account owner = api.register();
      Account member = api.register();
      api.createSpace(owner, "reauth");
      api.addMember(owner, "reauth", member.userId(), "reader");
      try (WsClient ws = WsClient.connect(cluster.vertx(), cluster.node().port(), member.token())) {
        ws.send(new JsonObject().put("type", "subscribe").put("id", "1").put("space", "reauth").put("since", 0));
        assertThat(ws.awaitType("synced")).isNotNull();
        Await.result(cluster.db().pool().preparedQuery("DELETE FROM members WHERE space_id = $1 AND user_id = $2")
            .execute(Tuple.of("reauth", member.userId())));
        ws.send(new JsonObject().put("type", "auth").put("id", "2").put("token", member.token()));
        JsonObject revoked = ws.awaitFrame(f -> "error".equals(f.getString("type")) && "reauth".equals(f.getString("space")), 10);
        assertThat(revoked.getString("code")).isEqualTo("forbidden");
      }
    }
  }
}
