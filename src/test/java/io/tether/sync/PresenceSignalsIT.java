package io.tether.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.support.ApiClient;
import io.tether.support.ApiClient.Account;
import io.tether.support.ApiClient.Response;
import io.tether.support.PresenceTracker;
import io.tether.support.TestCluster;
import io.tether.support.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Presence and signals across two nodes sharing Redis, over real sockets. */
class PresenceSignalsIT {
  private static final int SIGNALS_PER_SECOND = 5;
  private static TestCluster cluster;
  private static Vertx vertx;

  @BeforeAll
  static void start() {
    cluster = TestCluster.nodes(2, new JsonObject().put("presence", new JsonObject()
        .put("signalsPerSecond", SIGNALS_PER_SECOND).put("maxStateBytes", 64).put("maxSignalBytes", 128)));
    vertx = cluster.vertx();
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  /** A space with an owner and a writer, each on their own node. */
  private record Room(String space, Account ann, Account bob) {}

  private static Room room() {
    ApiClient api = cluster.api(0);
    Account ann = api.register();
    Account bob = api.register();
    String space = "presence-" + System.nanoTime();
    api.createSpace(ann, space);
    api.addMember(ann, space, bob.userId(), "writer");
    return new Room(space, ann, bob);
  }

  private static WsClient subscribed(int node, Account who, String space) {
    WsClient ws = WsClient.connect(vertx, cluster.node(node).port(), who.token());
    ws.send(new JsonObject().put("type", "subscribe").put("id", "s").put("space", space).put("since", 0));
    ws.awaitType("synced");
    return ws;
  }

  @Test
  void membersSeeTheStateAfterSyncedThenJoinsUpdatesAndLeavesFromTheOtherNode() {
    Room room = room();
    try (WsClient ann = WsClient.connect(vertx, cluster.node(0).port(), room.ann().token())) {
      ann.send(new JsonObject().put("type", "subscribe").put("id", "s").put("space", room.space()).put("since", 0));
      List<String> order = new java.util.ArrayList<>();
      JsonObject first = ann.awaitFrame(f -> {
        order.add(f.getString("type"));
        return f.getString("type").startsWith("presence");
      }, 10);
      assertThat(first.getString("type")).isEqualTo("presence_state");
      assertThat(order).as("presence_state comes after synced").containsSubsequence("synced", "presence_state");
      PresenceTracker annSees = new PresenceTracker(ann, first);
      annSees.await("ann sees herself", m -> m.containsKey(room.ann().userId()));

      try (WsClient bob = subscribed(1, room.bob(), room.space())) {
        annSees.await("ann sees bob join", m -> m.containsKey(room.bob().userId()));
        bob.send(new JsonObject().put("type", "presence").put("space", room.space()).put("state", new JsonObject().put("typing", true)));
        annSees.await("ann sees bob typing", m -> new JsonObject().put("typing", true)
            .equals(m.getOrDefault(room.bob().userId(), new JsonObject()).getJsonObject("state")));
        PresenceTracker bobSees = new PresenceTracker(bob, bob.awaitType("presence_state"));
        bobSees.await("bob sees both", m -> m.keySet().equals(java.util.Set.of(room.ann().userId(), room.bob().userId())));

        bob.send(new JsonObject().put("type", "unsubscribe").put("id", "u").put("space", room.space()));
        annSees.await("ann sees bob leave", m -> !m.containsKey(room.bob().userId()));
      }
    }
  }

  @Test
  void aUsersSocketsAreCountedAndTheLastOneClosingLeaves() {
    Room room = room();
    try (WsClient ann = subscribed(0, room.ann(), room.space())) {
      PresenceTracker annSees = new PresenceTracker(ann, ann.awaitType("presence_state"));
      WsClient phone = subscribed(0, room.bob(), room.space());
      WsClient laptop = subscribed(1, room.bob(), room.space());
      annSees.await("two sockets of bob", m -> m.containsKey(room.bob().userId())
          && m.get(room.bob().userId()).getInteger("connections") == 2);
      Response rest = cluster.api(1).send("GET", "/v1/spaces/" + room.space() + "/presence", room.ann().token(), null);
      assertThat(rest.status()).isEqualTo(200);
      assertThat(rest.json().getJsonArray("members").stream().map(m -> ((JsonObject) m).getString("userId")))
          .containsExactlyInAnyOrder(room.ann().userId(), room.bob().userId());
      phone.close();
      annSees.await("one socket of bob", m -> m.containsKey(room.bob().userId())
          && m.get(room.bob().userId()).getInteger("connections") == 1);
      laptop.close();
      annSees.await("bob gone", m -> !m.containsKey(room.bob().userId()));
    }
    Account stranger = cluster.api(0).register();
    assertThat(cluster.api(0).send("GET", "/v1/spaces/" + room.space() + "/presence", stranger.token(), null).status())
        .isEqualTo(403);
  }

  @Test
  void aSocketSubscribedWithoutPresenceNeitherShowsNorSeesIt() {
    Room room = room();
    try (WsClient ann = subscribed(0, room.ann(), room.space());
         WsClient background = WsClient.connect(vertx, cluster.node(1).port(), room.bob().token())) {
      PresenceTracker annSees = new PresenceTracker(ann, ann.awaitType("presence_state"));
      background.send(new JsonObject().put("type", "subscribe").put("id", "s").put("space", room.space()).put("since", 0)
          .put("presence", false));
      background.awaitType("synced");
      ann.send(new JsonObject().put("type", "signal").put("space", room.space()).put("data", new JsonObject()));
      cluster.api(0).put(room.ann(), room.space(), "items", "x", new JsonObject());
      assertThat(background.awaitType("change").getString("id")).isEqualTo("x");
      assertThat(background.drain(300)).noneMatch(f -> f.getString("type").startsWith("presence") || "signal".equals(f.getString("type")));
      annSees.await("only ann is present", m -> m.keySet().equals(java.util.Set.of(room.ann().userId())));
      assertThat(ann.drain(300)).noneMatch(f -> "presence_diff".equals(f.getString("type")));
      background.send(new JsonObject().put("type", "presence").put("id", 9).put("space", room.space()).put("state", new JsonObject()));
      JsonObject refused = background.awaitType("error");
      assertThat(refused.getString("code")).isEqualTo("not_found");
      background.send(new JsonObject().put("type", "subscribe").put("id", "t").put("space", "x").put("presence", "no"));
      assertThat(background.awaitType("error").getString("code")).isEqualTo("bad_request");
    }
  }

  @Test
  void aSignalReachesTheOtherSocketsOnEveryNodeButNotItsSender() {
    Room room = room();
    try (WsClient ann = subscribed(0, room.ann(), room.space());
         WsClient bob = subscribed(1, room.bob(), room.space())) {
      JsonObject cursor = new JsonObject().put("cursor", 42);
      bob.send(new JsonObject().put("type", "signal").put("space", room.space()).put("data", cursor));
      JsonObject signal = ann.awaitType("signal");
      assertThat(signal).isEqualTo(new JsonObject().put("type", "signal").put("space", room.space())
          .put("from", room.bob().userId()).put("data", cursor));
      assertThat(bob.drain(500)).noneMatch(f -> "signal".equals(f.getString("type")));
      String metrics = cluster.api(0).send("GET", "/metrics", null, null).body();
      assertThat(metrics).containsPattern("tether_signals_total\\{[^}]*outcome=\"delivered\"[^}]*\\} [1-9]")
          .containsPattern("tether_presence_frames_total\\{[^}]*type=\"presence_state\"[^}]*\\} [1-9]");
    }
  }

  @Test
  void badPresenceAndSignalFramesGetErrorsAndTheSocketStaysUp() {
    Room room = room();
    try (WsClient bob = subscribed(0, room.bob(), room.space())) {
      bob.send(new JsonObject().put("type", "signal").put("id", 1).put("space", room.space())
          .put("data", new JsonObject().put("text", "x".repeat(200))));
      assertThat(error(bob, 1)).isEqualTo("too_large");
      bob.send(new JsonObject().put("type", "presence").put("id", 2).put("space", room.space())
          .put("state", new JsonObject().put("text", "x".repeat(100))));
      assertThat(error(bob, 2)).isEqualTo("too_large");
      bob.send(new JsonObject().put("type", "presence").put("id", 3).put("space", room.space()).put("state", "typing"));
      assertThat(error(bob, 3)).isEqualTo("bad_request");
      bob.send(new JsonObject().put("type", "signal").put("id", 4).put("space", "not-subscribed").put("data", new JsonObject()));
      assertThat(error(bob, 4)).isEqualTo("not_found");
      for (int i = 0; i < SIGNALS_PER_SECOND + 3; i++) {
        bob.send(new JsonObject().put("type", "signal").put("id", "burst-" + i).put("space", room.space()).put("data", new JsonObject()));
      }
      JsonObject limited = bob.awaitFrame(f -> "error".equals(f.getString("type")), 10);
      assertThat(limited.getString("code")).isEqualTo("rate_limited");
      bob.send(new JsonObject().put("type", "ping").put("id", "still-there"));
      assertThat(bob.awaitType("pong").getString("id")).isEqualTo("still-there");
      assertThat(bob.isClosed()).isFalse();
    }
  }

  private static String error(WsClient ws, Object id) {
    JsonObject error = ws.awaitFrame(f -> "error".equals(f.getString("type")), 10);
    assertThat(error.getValue("id")).isEqualTo(id);
    return error.getString("code");
  }
}
