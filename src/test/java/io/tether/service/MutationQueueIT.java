package io.tether.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.core.MergePatch;
import io.tether.support.ApiClient;
import io.tether.support.ApiClient.Account;
import io.tether.support.ApiClient.Response;
import io.tether.support.Await;
import io.tether.support.TestCluster;
import io.tether.support.TestDatabase;
import io.tether.support.TestNode;
import io.tether.support.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The idempotent offline mutation queue, over REST and WebSocket, on two nodes sharing PostgreSQL and Redis. */
class MutationQueueIT {
  private static TestCluster cluster;
  private static Vertx vertx;
  private static TestDatabase db;
  private static TestNode a;
  private static TestNode b;
  private static ApiClient viaA;
  private static ApiClient viaB;

  @BeforeAll
  static void start() {
    cluster = TestCluster.nodes(2, new JsonObject().put("limits", new JsonObject().put("maxMutationsPerBatch", 300)));
    vertx = cluster.vertx();
    db = cluster.db();
    a = cluster.node(0);
    b = cluster.node(1);
    viaA = new ApiClient(a.port());
    viaB = new ApiClient(b.port());
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }


  private static String newSpace(Account owner) {
    String space = "mut-" + System.nanoTime();
    assertThat(viaA.createSpace(owner, space).status()).isEqualTo(201);
    return space;
  }

  private static Response post(ApiClient api, Account who, String space, JsonArray mutations) {
    return api.send("POST", "/v1/spaces/" + space + "/mutations", who.token(),
        new JsonObject().put("mutations", mutations).encode());
  }

  private static long head(String space) {
    return Await.result(db.pool().preparedQuery("SELECT seq FROM spaces WHERE id = $1").execute(Tuple.of(space)))
        .iterator().next().getLong(0);
  }

  @Test
  void anOfflineQueueReplayedTwiceAppliesOnceAndMatchesTheModel() {
    Account owner = viaA.register();
    String space = newSpace(owner);
    Random random = new Random(42);
    JsonArray queue = new JsonArray();
    Model model = new Model();
    List<String> expectedStatus = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      String id = "doc" + random.nextInt(15);
      JsonObject m = new JsonObject().put("mutationId", "m-" + i).put("collection", "notes").put("id", id);
      int kind = random.nextInt(10);
      if (kind < 5) {
        m.put("op", "put").put("data", new JsonObject().put("i", i).put("tags", new JsonArray().add("t" + i)));
      } else if (kind < 8) {
        m.put("op", "patch").put("data", new JsonObject().put("p" + (i % 3), i).put("i", kind == 7 ? null : i));
      } else {
        m.put("op", "delete");
      }
      queue.add(m);
      expectedStatus.add(model.apply(m));
    }

    Response first = post(viaA, owner, space, queue);
    assertThat(first.status()).isEqualTo(200);
    JsonArray results = first.json().getJsonArray("results");
    assertThat(results).hasSize(200);
    List<String> statuses = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      JsonObject r = results.getJsonObject(i);
      assertThat(r.getString("mutationId")).isEqualTo("m-" + i);
      statuses.add(r.getString("status"));
    }
    assertThat(statuses).containsExactlyElementsOf(expectedStatus);
    long applied = statuses.stream().filter("applied"::equals).count();
    assertThat(head(space)).isEqualTo(applied);

    // The network dropped the answer: the phone replays the whole queue, this time through the other node.
    Response second = post(viaB, owner, space, queue);
    assertThat(second.json()).isEqualTo(first.json());
    assertThat(head(space)).as("the change log grew by exactly the applied count").isEqualTo(applied);

    Map<String, JsonObject> database = new HashMap<>();
    for (Row row : Await.result(db.pool().preparedQuery(
        "SELECT id, version, data, deleted FROM documents WHERE space_id = $1").execute(Tuple.of(space)))) {
      database.put(row.getString(0), new JsonObject().put("version", row.getLong(1)).put("data", row.getValue(2))
          .put("deleted", row.getBoolean(3)));
    }
    assertThat(database).isEqualTo(model.documents);
  }

  @Test
  void twoNodesRacingTheSameMutationIdWriteOnceAndAnswerAlike() throws Exception {
    Account owner = viaA.register();
    String space = newSpace(owner);
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 20; round++) {
        JsonArray batch = new JsonArray().add(new JsonObject().put("mutationId", "race-" + round).put("op", "put")
            .put("collection", "c").put("id", "d" + round).put("data", new JsonObject().put("round", round)));
        CountDownLatch go = new CountDownLatch(1);
        Future<Response> onA = threads.submit(() -> {
          go.await();
          return post(viaA, owner, space, batch);
        });
        Future<Response> onB = threads.submit(() -> {
          go.await();
          return post(viaB, owner, space, batch);
        });
        go.countDown();
        Response ra = onA.get(30, TimeUnit.SECONDS);
        Response rb = onB.get(30, TimeUnit.SECONDS);
        assertThat(ra.status()).isEqualTo(200);
        assertThat(rb.json()).isEqualTo(ra.json());
        assertThat(ra.json().getJsonArray("results").getJsonObject(0).getString("status")).isEqualTo("applied");
        assertThat(head(space)).as("round %d wrote one change", round).isEqualTo(round + 1);
      }
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void twoOfflineEditsFromTheSameBaseVersion() {
    Account owner = viaA.register();
    String space = newSpace(owner);
    viaA.put(owner, space, "todos", "t", new JsonObject().put("title", "buy milk"));
    JsonArray fromA = new JsonArray().add(new JsonObject().put("mutationId", "a1").put("op", "put").put("collection", "todos")
        .put("id", "t").put("baseVersion", 1).put("data", new JsonObject().put("title", "buy oat milk")));
    JsonArray fromB = new JsonArray().add(new JsonObject().put("mutationId", "b1").put("op", "patch").put("collection", "todos")
        .put("id", "t").put("baseVersion", 1).put("data", new JsonObject().put("done", true)));
    JsonObject winner = post(viaA, owner, space, fromA).json().getJsonArray("results").getJsonObject(0);
    JsonObject loser = post(viaB, owner, space, fromB).json().getJsonArray("results").getJsonObject(0);
    assertThat(winner.getString("status")).isEqualTo("applied");
    assertThat(winner.getLong("version")).isEqualTo(2);
    assertThat(loser.getString("status")).isEqualTo("conflict");
    assertThat(loser.getJsonObject("current").getLong("version")).isEqualTo(2);
    assertThat(loser.getJsonObject("current").getJsonObject("data")).isEqualTo(new JsonObject().put("title", "buy oat milk"));
    assertThat(head(space)).as("a conflict consumes no seq").isEqualTo(2);
    // Replaying the refused one answers the same conflict.
    assertThat(post(viaA, owner, space, fromB).json().getJsonArray("results").getJsonObject(0)).isEqualTo(loser);
    // baseVersion 0 means "create only".
    JsonObject create = post(viaA, owner, space, new JsonArray().add(new JsonObject().put("mutationId", "c0").put("op", "put")
        .put("collection", "todos").put("id", "t").put("baseVersion", 0).put("data", new JsonObject())))
        .json().getJsonArray("results").getJsonObject(0);
    assertThat(create.getString("status")).isEqualTo("conflict");
  }

  @Test
  void mergePatchesOnDifferentFieldsFromTwoOfflineClientsBothApply() {
    Account owner = viaA.register();
    String space = newSpace(owner);
    viaA.put(owner, space, "profile", "me", new JsonObject().put("name", "Ann").put("prefs", new JsonObject().put("theme", "dark")));
    post(viaA, owner, space, new JsonArray().add(new JsonObject().put("mutationId", "x").put("op", "patch")
        .put("collection", "profile").put("id", "me").put("data", new JsonObject().put("name", "Anne"))));
    post(viaB, owner, space, new JsonArray().add(new JsonObject().put("mutationId", "y").put("op", "patch")
        .put("collection", "profile").put("id", "me").put("data", new JsonObject().put("prefs", new JsonObject().put("lang", "fr")))));
    JsonObject doc = viaA.send("GET", "/v1/spaces/" + space + "/documents/profile/me", owner.token(), null).json();
    assertThat(doc.getJsonObject("data")).isEqualTo(new JsonObject().put("name", "Anne")
        .put("prefs", new JsonObject().put("theme", "dark").put("lang", "fr")));
    assertThat(doc.getLong("version")).isEqualTo(3);
  }

  @Test
  void mutationIdsAreScopedToTheirUser() {
    Account owner = viaA.register();
    Account writer = viaA.register();
    String space = newSpace(owner);
    viaA.addMember(owner, space, writer.userId(), "writer");
    JsonArray batch = new JsonArray().add(new JsonObject().put("mutationId", "shared-id").put("op", "put")
        .put("collection", "c").put("id", "secret").put("data", new JsonObject().put("owner's", "value")));
    JsonObject mine = post(viaA, owner, space, batch).json().getJsonArray("results").getJsonObject(0);
    JsonArray theirs = new JsonArray().add(batch.getJsonObject(0).copy().put("data", new JsonObject().put("writer's", 1)));
    JsonObject other = post(viaA, writer, space, theirs).json().getJsonArray("results").getJsonObject(0);
    assertThat(other.getString("status")).isEqualTo("applied");
    assertThat(other.getLong("seq")).isNotEqualTo(mine.getLong("seq"));
    assertThat(head(space)).isEqualTo(2);
  }

  @Test
  void oneBadMutationDoesNotSinkTheBatch() {
    Account owner = viaA.register();
    Account reader = viaA.register();
    String space = newSpace(owner);
    viaA.addMember(owner, space, reader.userId(), "reader");
    JsonArray batch = new JsonArray()
        .add(new JsonObject().put("mutationId", "ok-1").put("op", "put").put("collection", "c").put("id", "a").put("data", new JsonObject()))
        .add(new JsonObject().put("mutationId", "bad-op").put("op", "upsert").put("collection", "c").put("id", "a"))
        .add(new JsonObject().put("op", "put").put("collection", "c").put("id", "a").put("data", new JsonObject()))
        .add(new JsonObject().put("mutationId", "no-data").put("op", "put").put("collection", "c").put("id", "a"))
        .add(new JsonObject().put("mutationId", "bad-id").put("op", "delete").put("collection", "c").put("id", "a b"))
        .add(new JsonObject().put("mutationId", "gone").put("op", "patch").put("collection", "c").put("id", "missing").put("data", new JsonObject()))
        .add("not an object")
        .add(new JsonObject().put("mutationId", "ok-2").put("op", "delete").put("collection", "c").put("id", "a"));
    JsonArray results = post(viaA, owner, space, batch).json().getJsonArray("results");
    List<String> statuses = results.stream().map(r -> ((JsonObject) r).getString("status")).toList();
    assertThat(statuses).containsExactly("applied", "rejected", "rejected", "rejected", "rejected", "rejected", "rejected", "applied");
    assertThat(results.getJsonObject(1).getString("code")).isEqualTo("bad_request");
    assertThat(results.getJsonObject(2).getString("mutationId")).isNull();
    assertThat(results.getJsonObject(5).getString("code")).isEqualTo("not_found");
    assertThat(results.getJsonObject(7).getLong("version")).isEqualTo(2);
    assertThat(head(space)).isEqualTo(2);

    JsonObject listing = viaA.send("GET", "/v1/spaces/" + space + "/documents?includeDeleted=true", owner.token(), null).json();
    assertThat(listing.getJsonArray("documents").getJsonObject(0).getBoolean("deleted")).isTrue();

    assertThat(post(viaA, reader, space, batch).status()).isEqualTo(403);
    JsonArray tooMany = new JsonArray();
    for (int i = 0; i < 301; i++) {
      tooMany.add(new JsonObject().put("mutationId", "n" + i).put("op", "delete").put("collection", "c").put("id", "x"));
    }
    assertThat(post(viaA, owner, space, tooMany).status()).isEqualTo(413);
    assertThat(viaA.send("POST", "/v1/spaces/" + space + "/mutations", owner.token(), "{\"mutations\":{}}").status()).isEqualTo(400);
    assertThat(head(space)).isEqualTo(2);
  }

  @Test
  void theMutateFrameAnswersWithAnAckAndTheSameResultsAsRest() {
    Account owner = viaA.register();
    String space = newSpace(owner);
    JsonArray batch = new JsonArray()
        .add(new JsonObject().put("mutationId", "w1").put("op", "put").put("collection", "c").put("id", "a").put("data", new JsonObject().put("n", 1)))
        .add(new JsonObject().put("mutationId", "w2").put("op", "patch").put("collection", "c").put("id", "a").put("data", new JsonObject().put("m", 2)));
    try (WsClient ws = WsClient.connect(vertx, b.port(), owner.token())) {
      ws.send(new JsonObject().put("type", "subscribe").put("space", space).put("since", 0));
      ws.awaitType("synced");
      ws.send(new JsonObject().put("type", "mutate").put("id", "q1").put("space", space).put("mutations", batch));
      JsonObject ack = ws.awaitType("ack");
      assertThat(ack.getString("id")).isEqualTo("q1");
      assertThat(ack.getJsonArray("results").getJsonObject(1).getString("status")).isEqualTo("applied");
      assertThat(ws.awaitFrame(f -> "change".equals(f.getString("type")) && f.getLong("seq") == 2, 10)
          .getString("mutationId")).isEqualTo("w2");
      // The same batch over REST on the other node: the first results, nothing written.
      assertThat(post(viaA, owner, space, batch).json().getJsonArray("results")).isEqualTo(ack.getJsonArray("results"));
      ws.send(new JsonObject().put("type", "mutate").put("id", "q2").put("space", "not-mine-" + System.nanoTime())
          .put("mutations", batch));
      assertThat(ws.awaitType("error").getString("code")).isEqualTo("forbidden");
    }
    assertThat(head(space)).isEqualTo(2);
  }

  /** What the server should do, computed independently: version counting, merge patch, tombstones. */
  private static final class Model {
    final Map<String, JsonObject> documents = new HashMap<>();

    String apply(JsonObject m) {
      String id = m.getString("id");
      JsonObject current = documents.get(id);
      boolean exists = current != null && !current.getBoolean("deleted");
      long version = current == null ? 1 : current.getLong("version") + 1;
      switch (m.getString("op")) {
        case "put" -> documents.put(id, new JsonObject().put("version", version).put("data", m.getJsonObject("data")).put("deleted", false));
        case "patch" -> {
          if (!exists) {
            return "rejected";
          }
          documents.put(id, new JsonObject().put("version", version)
              .put("data", MergePatch.apply(current.getJsonObject("data"), m.getJsonObject("data"))).put("deleted", false));
        }
        default -> {
          if (!exists) {
            return "rejected";
          }
          documents.put(id, new JsonObject().put("version", version).put("data", null).put("deleted", true));
        }
      }
      return "applied";
    }
  }
}
