package io.tether.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.support.ApiClient;
import io.tether.support.ApiClient.Account;
import io.tether.support.Await;
import io.tether.support.TestCluster;
import io.tether.support.TestDatabase;
import io.tether.support.TestNode;
import io.tether.support.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two nodes on different ports sharing PostgreSQL and Redis act as one server. */
class TwoNodeIT {
  private static TestCluster cluster;
  private static Vertx vertx;
  private static TestDatabase db;
  private static TestNode a;
  private static TestNode b;

  @BeforeAll
  static void start() {
    cluster = TestCluster.nodes(2, new JsonObject());
    vertx = cluster.vertx();
    db = cluster.db();
    a = cluster.node(0);
    b = cluster.node(1);
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }


  @Test
  void aWriteThroughOneNodeReachesASubscriberOnTheOther() {
    ApiClient viaA = new ApiClient(a.port());
    Account owner = viaA.register();
    Account reader = new ApiClient(b.port()).register();
    String space = "two-" + System.nanoTime();
    viaA.createSpace(owner, space);
    viaA.addMember(owner, space, reader.userId(), "reader");

    try (WsClient onB = WsClient.connect(vertx, b.port(), reader.token())) {
      onB.send(new JsonObject().put("type", "subscribe").put("space", space).put("since", 0));
      onB.awaitType("synced");
      viaA.put(owner, space, "notes", "n1", new JsonObject().put("text", "hello from A"));
      JsonObject change = onB.awaitType("change");
      assertThat(change.getLong("seq")).isEqualTo(1);
      assertThat(change.getJsonObject("data").getString("text")).isEqualTo("hello from A");
    }
  }

  @Test
  void aSubscriberThatMovesToTheOtherNodeWithItsCursorMissesNothing() {
    ApiClient viaA = new ApiClient(a.port());
    ApiClient viaB = new ApiClient(b.port());
    Account owner = viaA.register();
    String space = "move-" + System.nanoTime();
    viaA.createSpace(owner, space);
    List<Long> seen = new ArrayList<>();

    long cursor;
    try (WsClient onA = WsClient.connect(vertx, a.port(), owner.token())) {
      onA.send(new JsonObject().put("type", "subscribe").put("space", space).put("since", 0));
      onA.awaitType("synced");
      for (int i = 0; i < 10; i++) {
        (i % 2 == 0 ? viaA : viaB).put(owner, space, "c", "d" + i, new JsonObject().put("i", i));
      }
      while (seen.size() < 10) {
        seen.add(onA.awaitType("change").getLong("seq"));
      }
      cursor = seen.get(seen.size() - 1);
    }
    // Offline for a while: writes go on through both nodes.
    for (int i = 10; i < 25; i++) {
      (i % 2 == 0 ? viaA : viaB).put(owner, space, "c", "d" + i, new JsonObject().put("i", i));
    }
    try (WsClient onB = WsClient.connect(vertx, b.port(), owner.token())) {
      onB.send(new JsonObject().put("type", "subscribe").put("space", space).put("since", cursor));
      for (int i = 0; i < 15; i++) {
        seen.add(onB.awaitType("change").getLong("seq"));
      }
      onB.awaitType("synced");
      viaA.put(owner, space, "c", "live", new JsonObject());
      seen.add(onB.awaitType("change").getLong("seq"));
    }
    assertThat(seen).containsExactlyElementsOf(LongStream.rangeClosed(1, 26).boxed().toList());
  }

  @Test
  void bothNodesMigratedOnceAndServeTheSameData() {
    ApiClient viaA = new ApiClient(a.port());
    ApiClient viaB = new ApiClient(b.port());
    Account owner = viaA.register();
    String space = "same-" + System.nanoTime();
    viaB.createSpace(owner, space);
    viaA.put(owner, space, "c", "d", new JsonObject().put("x", 1));
    assertThat(viaB.send("GET", "/v1/spaces/" + space + "/documents/c/d", owner.token(), null).json().getJsonObject("data"))
        .isEqualTo(new JsonObject().put("x", 1));
    long migrations = Await.result(db.pool().query("SELECT count(*) FROM schema_migrations").execute())
        .iterator().next().getLong(0);
    assertThat(migrations).isEqualTo(io.tether.store.Migrator.latestVersion());
  }
}
