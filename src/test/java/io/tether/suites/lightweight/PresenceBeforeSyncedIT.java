package io.tether.suites.lightweight;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.support.ApiClient;
import io.tether.support.ApiClient.Account;
import io.tether.support.PresenceTracker;
import io.tether.support.TestCluster;
import io.tether.support.WsClient;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 17: a client sends its presence right after subscribe, without waiting for synced (every app
 * that shows "online" does). The state is applied once the subscription starts, not refused.
 */
class PresenceBeforeSyncedIT {
  private static TestCluster cluster;

  @BeforeAll
  static void start() {
    cluster = TestCluster.single(new JsonObject().put("presence", new JsonObject().put("maxStateBytes", 64)));
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @Test
  void aPresenceFrameRightAfterSubscribeIsAppliedOnceLive() {
    ApiClient api = cluster.api();
    Account ann = api.register();
    Account bob = api.register();
    String space = "early-" + System.nanoTime();
    api.createSpace(ann, space);
    api.addMember(ann, space, bob.userId(), "writer");
    JsonObject online = new JsonObject().put("status", "online");
    try (WsClient annWs = WsClient.connect(cluster.vertx(), cluster.node().port(), ann.token());
         WsClient bobWs = WsClient.connect(cluster.vertx(), cluster.node().port(), bob.token())) {
      annWs.subscribe(space, 0, true);
      PresenceTracker annSees = new PresenceTracker(annWs, annWs.awaitType("presence_state"));

      bobWs.subscribe(space, 0, true);
      bobWs.send(new JsonObject().put("type", "presence").put("space", space).put("state", online));
      List<JsonObject> bobGot = new ArrayList<>();
      JsonObject state = bobWs.awaitFrame(f -> {
        bobGot.add(f);
        return "presence_state".equals(f.getString("type"));
      }, 10);
      assertThat(bobGot).as("no error for the early presence frame")
          .noneSatisfy(f -> assertThat(f.getString("type")).isEqualTo("error"));
      annSees.await("ann sees bob online", m -> online.equals(
          m.getOrDefault(bob.userId(), new JsonObject()).getJsonObject("state")));
      new PresenceTracker(bobWs, state).await("bob sees himself online", m -> online.equals(
          m.getOrDefault(bob.userId(), new JsonObject()).getJsonObject("state")));
    }
  }

  @Test
  void anEarlyStateTooLargeIsRefusedAtOnceAndTheSubscriptionStillStarts() {
    ApiClient api = cluster.api();
    Account ann = api.register();
    String space = "early-big-" + System.nanoTime();
    api.createSpace(ann, space);
    try (WsClient ws = WsClient.connect(cluster.vertx(), cluster.node().port(), ann.token())) {
      ws.subscribe(space, 0, true);
      ws.send(new JsonObject().put("type", "presence").put("space", space).put("state",
          new JsonObject().put("bio", "x".repeat(200))));
      List<JsonObject> got = new ArrayList<>();
      ws.awaitFrame(f -> {
        got.add(f);
        return "presence_state".equals(f.getString("type"));
      }, 10);
      assertThat(got).anySatisfy(f -> assertThat(f.getString("code")).isEqualTo("too_large"));
      assertThat(got).anySatisfy(f -> assertThat(f.getString("type")).isEqualTo("synced"));
    }
  }
}
