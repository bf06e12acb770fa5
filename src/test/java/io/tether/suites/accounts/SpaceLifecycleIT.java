package io.tether.suites.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.support.ApiClient;
import io.tether.support.ApiClient.Account;
import io.tether.support.ApiClient.Response;
import io.tether.support.Await;
import io.tether.support.TestCluster;
import io.tether.support.WsClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 19: spaces the server names ({@code POST /v1/spaces}), display names of spaces and of the
 * people in their presence, and deleting a space with everything it holds, on two nodes over Redis.
 */
class SpaceLifecycleIT {
  private static final String[] SPACE_TABLES = {"members", "documents", "changes", "mutations", "webhooks", "invites",
      "space_rules"};

  private static TestCluster cluster;
  private static ApiClient api;
  private static ApiClient other;

  @BeforeAll
  static void start() {
    cluster = TestCluster.nodes(2, new JsonObject()
        .put("webhooks", new JsonObject().put("allowPrivateTargets", true)));
    api = cluster.api(0);
    other = cluster.api(1);
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  private static Response create(Account who, Object name) {
    return api.send("POST", "/v1/spaces", who.token(), new JsonObject().put("name", name).encode());
  }

  @Test
  void theServerMakesUnguessableIdsSoTwoPeopleCanEachHaveGroceries() {
    Account ann = api.register();
    Account bob = api.register();
    Response mine = create(ann, "  groceries ");
    Response his = create(bob, "groceries");
    assertThat(mine.status()).as(mine.body()).isEqualTo(201);
    assertThat(his.status()).as(his.body()).isEqualTo(201);
    String a = mine.json().getString("id");
    String b = his.json().getString("id");
    assertThat(a).matches("[A-Za-z0-9_-]{22}").isNotEqualTo(b);
    assertThat(mine.json().getString("name")).isEqualTo("groceries");
    assertThat(mine.json().getString("role")).isEqualTo("owner");
    assertThat(mine.json().getLong("seq")).isZero();
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      ids.add(create(ann, "n" + i).json().getString("id"));
    }
    assertThat(ids).hasSize(200).doesNotContain(a, b);

    JsonObject listed = api.send("GET", "/v1/spaces?limit=100", bob.token(), null).json().getJsonArray("spaces").getJsonObject(0);
    assertThat(listed.getString("id")).isEqualTo(b);
    assertThat(listed.getString("name")).isEqualTo("groceries");
    JsonObject described = other.send("GET", "/v1/spaces/" + a, ann.token(), null).json();
    assertThat(described.getString("name")).isEqualTo("groceries");
    assertThat(described.getString("createdAt")).endsWith("Z");
    assertThat(other.send("GET", "/v1/spaces/" + a, bob.token(), null).status()).isEqualTo(403);

    // PUT keeps working for apps that choose their ids, with a name or without one.
    String chosen = "chosen-" + System.nanoTime();
    Response put = api.send("PUT", "/v1/spaces/" + chosen, ann.token(), new JsonObject().put("name", "Chosen").encode());
    assertThat(put.status()).isEqualTo(201);
    assertThat(put.json().getString("name")).isEqualTo("Chosen");
    assertThat(api.send("PUT", "/v1/spaces/" + chosen, ann.token(), null).json().getString("name")).isEqualTo("Chosen");
    assertThat(api.createSpace(bob, chosen).status()).isEqualTo(403);
  }

  @Test
  void badNamesAreRefusedWithAJsonErrorAndNothingIsCreated() {
    Account ann = api.register();
    for (Object bad : new Object[] {null, "", "   ", "x".repeat(101), "tab\there", 42, new JsonObject()}) {
      Response refused = create(ann, bad);
      assertThat(refused.status()).as(String.valueOf(bad)).isEqualTo(400);
      assertThat(refused.errorCode()).isEqualTo("bad_request");
    }
    assertThat(api.send("POST", "/v1/spaces", ann.token(), "[1]").status()).isEqualTo(400);
    assertThat(api.send("POST", "/v1/spaces", ann.token(), "name=x", "Content-Type", "text/plain").status()).isEqualTo(415);
    assertThat(api.send("POST", "/v1/spaces", null, "{\"name\":\"x\"}").status()).isEqualTo(401);
    assertThat(create(ann, "x".repeat(100)).status()).isEqualTo(201);
    assertThat(api.send("GET", "/v1/spaces", ann.token(), null).json().getJsonArray("spaces")).hasSize(1);
  }

  @Test
  void ownersRenameAndOthersCannot() {
    Account ann = api.register();
    Account bob = api.register();
    String space = create(ann, "Before").json().getString("id");
    api.addMember(ann, space, bob.userId(), "writer");
    Response renamed = api.send("PATCH", "/v1/spaces/" + space, ann.token(), "{\"name\":\"After\"}");
    assertThat(renamed.status()).as(renamed.body()).isEqualTo(200);
    assertThat(renamed.json().getString("name")).isEqualTo("After");
    assertThat(api.send("PATCH", "/v1/spaces/" + space, bob.token(), "{\"name\":\"Mine\"}").status()).isEqualTo(403);
    assertThat(api.send("PATCH", "/v1/spaces/" + space, ann.token(), "{\"title\":\"x\"}").status()).isEqualTo(400);
    assertThat(api.send("PATCH", "/v1/spaces/" + space, ann.token(), "{\"name\":null}").json().getValue("name")).isNull();
  }

  @Test
  void presenceShowsDisplayNamesBesideUserIds() {
    Account ann = api.register();
    Account bob = api.register();
    assertThat(api.send("PATCH", "/v1/me", ann.token(), "{\"displayName\":\"Ann\"}").status()).isEqualTo(200);
    String space = create(ann, "Names").json().getString("id");
    api.addMember(ann, space, bob.userId(), "writer");
    try (WsClient annSocket = WsClient.connect(cluster.vertx(), cluster.node(0).port(), ann.token());
         WsClient bobSocket = WsClient.connect(cluster.vertx(), cluster.node(1).port(), bob.token())) {
      annSocket.subscribe(space, 0, true);
      assertThat(annSocket.awaitType("synced")).isNotNull();
      Await.until("ann is present", 10, () -> api.send("GET", "/v1/spaces/" + space + "/presence", ann.token(), null)
          .json().getJsonArray("members").size() == 1);
      bobSocket.subscribe(space, 0, true);
      JsonObject state = bobSocket.awaitType("presence_state");
      JsonObject annThere = state.getJsonArray("members").stream().map(m -> (JsonObject) m)
          .filter(m -> ann.userId().equals(m.getString("userId"))).findFirst().orElseThrow();
      assertThat(annThere.getString("displayName")).isEqualTo("Ann");
      JsonObject bobJoin = annSocket.awaitFrame(f -> "presence_diff".equals(f.getString("type"))
          && f.getJsonArray("joins").stream().anyMatch(j -> bob.userId().equals(((JsonObject) j).getString("userId"))), 10);
      JsonObject bobThere = bobJoin.getJsonArray("joins").stream().map(j -> (JsonObject) j)
          .filter(j -> bob.userId().equals(j.getString("userId"))).findFirst().orElseThrow();
      assertThat(bobThere.containsKey("displayName")).isTrue();
      assertThat(bobThere.getValue("displayName")).as("bob set no name").isNull();
      JsonArray listed = api.send("GET", "/v1/spaces/" + space + "/presence", bob.token(), null).json().getJsonArray("members");
      assertThat(listed.stream().map(m -> (JsonObject) m).filter(m -> ann.userId().equals(m.getString("userId")))
          .findFirst().orElseThrow().getString("displayName")).isEqualTo("Ann");
    }
  }

  @Test
  void deletingASpaceRemovesAllItHoldsEndsEverySubscriptionOnEveryNodeAndFreesItsId() throws Exception {
    Account owner = api.register();
    Account member = api.register();
    Account stranger = api.register();
    String space = "doomed-" + System.nanoTime();
    assertThat(api.send("PUT", "/v1/spaces/" + space, owner.token(), "{\"name\":\"Doomed\"}").status()).isEqualTo(201);
    api.addMember(owner, space, member.userId(), "reader");
    String oldEpoch = api.send("GET", "/v1/spaces/" + space, owner.token(), null).json().getString("epoch");
    // Something in every table a space has: documents and changes, a webhook with deliveries queued
    // (to a port nobody listens on, so they wait for retries), rules, an invite, a queued mutation.
    assertThat(api.send("PUT", "/v1/spaces/" + space + "/webhooks/w", owner.token(),
        new JsonObject().put("url", "http://127.0.0.1:9/hook").encode()).status()).isEqualTo(200);
    // Rules at seq 2, as the new space below will have: a node that kept the old ones would apply them.
    assertThat(api.put(owner, space, "notes", "n0", new JsonObject()).status()).isEqualTo(201);
    JsonObject hideNotes = new JsonObject().put("collections", new JsonObject()
        .put("notes", new JsonObject().put("read", "role != 'reader'")));
    assertThat(api.send("PUT", "/v1/spaces/" + space + "/rules", owner.token(), hideNotes.encode()).status()).isEqualTo(200);
    for (int i = 1; i < 5; i++) {
      assertThat(api.put(owner, space, "notes", "n" + i, new JsonObject().put("i", i)).status()).isEqualTo(201);
    }
    assertThat(api.send("POST", "/v1/spaces/" + space + "/invites", owner.token(), "{\"role\":\"reader\"}").status())
        .isEqualTo(201);
    assertThat(api.send("POST", "/v1/spaces/" + space + "/mutations", owner.token(), new JsonObject().put("mutations",
        new JsonArray().add(new JsonObject().put("mutationId", "m1").put("op", "put").put("collection", "notes")
            .put("id", "m").put("data", new JsonObject()))).encode()).status()).isEqualTo(200);
    assertThat(count("jobs", "payload->>'space'", space)).isPositive();
    for (String table : SPACE_TABLES) {
      assertThat(count(table, "space_id", space)).as(table).isPositive();
    }
    // The member's role and the space's rules are cached on the other node.
    JsonObject hidden = other.send("GET", "/v1/spaces/" + space + "/documents", member.token(), null).json();
    assertThat(hidden.getJsonArray("documents")).as("the rules hide notes from readers").isEmpty();

    try (WsClient here = WsClient.connect(cluster.vertx(), cluster.node(0).port(), owner.token());
         WsClient there = WsClient.connect(cluster.vertx(), cluster.node(1).port(), member.token())) {
      // From the head: the rules change at seq 2 makes earlier cursors unservable.
      long head = api.send("GET", "/v1/spaces/" + space, owner.token(), null).json().getLong("seq");
      here.subscribe(space, head, true);
      there.subscribe(space, head, true);
      assertThat(here.awaitType("synced")).isNotNull();
      assertThat(there.awaitType("synced")).isNotNull();

      Await.until("both are present", 10, () -> api.send("GET", "/v1/spaces/" + space + "/presence", owner.token(), null)
          .json().getJsonArray("members").size() == 2);

      assertThat(other.send("DELETE", "/v1/spaces/" + space, member.token(), null).status()).isEqualTo(403);
      assertThat(api.send("DELETE", "/v1/spaces/" + space, stranger.token(), null).status()).isEqualTo(403);
      Response deleted = api.send("DELETE", "/v1/spaces/" + space, owner.token(), null);
      assertThat(deleted.status()).as(deleted.body()).isEqualTo(204);

      for (WsClient socket : new WsClient[] {here, there}) {
        JsonObject last = socket.awaitType("space_deleted");
        assertThat(last.getString("space")).isEqualTo(space);
        assertThat(socket.isClosed()).as("the socket stays open for other spaces").isFalse();
      }
      // The subscription is over: subscribing again is refused like any space one is not in.
      there.send(new JsonObject().put("type", "subscribe").put("id", "again").put("space", space).put("since", 0));
      JsonObject refused = there.awaitFrame(f -> "again".equals(f.getString("id")), 10);
      assertThat(refused.getString("code")).isEqualTo("forbidden");
    }
    for (String table : SPACE_TABLES) {
      assertThat(count(table, "space_id", space)).as(table).isZero();
    }
    assertThat(count("jobs", "payload->>'space'", space)).isZero();
    assertThat(count("spaces", "id", space)).isZero();
    assertThat(api.send("GET", "/v1/spaces/" + space, owner.token(), null).status()).isEqualTo(403);
    assertThat(api.send("DELETE", "/v1/spaces/" + space, owner.token(), null).status())
        .as("deleting again: like any space one is not in").isEqualTo(403);
    assertThat(api.send("GET", "/v1/spaces", member.token(), null).json().getJsonArray("spaces")).isEmpty();

    // The id is free: a stranger's PUT makes a new space, in a new epoch, from seq 0, with no presence.
    Response again = api.createSpace(stranger, space);
    assertThat(again.status()).isEqualTo(201);
    assertThat(again.json().getString("epoch")).isNotEqualTo(oldEpoch);
    assertThat(again.json().getLong("seq")).isZero();
    assertThat(again.json().getValue("name")).isNull();
    assertThat(other.send("GET", "/v1/spaces/" + space + "/documents", member.token(), null).status())
        .as("the old member's cached role went with the old space").isEqualTo(403);
    // The old space's presence left with its subscriptions, on both nodes (the store is shared Redis).
    for (ApiClient node : new ApiClient[] {api, other}) {
      Await.until("no presence left from the old space", 10, () -> node.send("GET", "/v1/spaces/" + space + "/presence",
          stranger.token(), null).json().getJsonArray("members").isEmpty());
    }
    // The new space's rules number from the start again: the other node must not apply the old ones.
    api.addMember(stranger, space, member.userId(), "reader");
    assertThat(api.put(stranger, space, "notes", "visible", new JsonObject()).status()).isEqualTo(201);
    JsonObject open = new JsonObject().put("collections", new JsonObject().put("notes", new JsonObject().put("read", "true")));
    assertThat(api.send("PUT", "/v1/spaces/" + space + "/rules", stranger.token(), open.encode()).status()).isEqualTo(200);
    JsonArray seen = other.send("GET", "/v1/spaces/" + space + "/documents", member.token(), null).json().getJsonArray("documents");
    assertThat(seen.stream().map(d -> ((JsonObject) d).getString("id"))).containsExactly("visible");
  }

  @Test
  void deletingALargeSpaceTakesOneTransactionAndOtherSpacesKeepServing() {
    Account owner = api.register();
    int size = 10_000;
    String big = create(owner, "Big").json().getString("id");
    String kept = create(owner, "Kept").json().getString("id");
    assertThat(api.put(owner, kept, "notes", "stays", new JsonObject()).status()).isEqualTo(201);
    // Filled directly (the write path is not what is measured here): documents of about 200 bytes.
    Await.result(cluster.db().pool().preparedQuery("""
        WITH filled AS (
          INSERT INTO documents (space_id, collection, id, version, data, seq)
          SELECT $1, 'notes', 'n' || i, 1, jsonb_build_object('text', repeat('x', 180), 'i', i), i
          FROM generate_series(1, $2) i RETURNING seq)
        INSERT INTO changes (space_id, seq, collection, doc_id, op, version, data, deleted, actor)
        SELECT $1, seq, 'notes', 'n' || seq, 'put', 1, '{}'::jsonb, false, 'filler' FROM filled""")
        .execute(Tuple.of(big, size)));
    Await.result(cluster.db().pool().preparedQuery("UPDATE spaces SET seq = $2 WHERE id = $1").execute(Tuple.of(big, size)));
    long started = System.nanoTime();
    assertThat(api.send("DELETE", "/v1/spaces/" + big, owner.token(), null).status()).isEqualTo(204);
    long millis = (System.nanoTime() - started) / 1_000_000;
    System.out.printf("SPACES: deleting a space of %,d documents and %,d changes took %d ms (one request)%n", size, size, millis);
    assertThat(count("documents", "space_id", big) + count("changes", "space_id", big)).isZero();
    assertThat(api.send("GET", "/v1/spaces/" + kept + "/documents/notes/stays", owner.token(), null).status()).isEqualTo(200);
  }

  private static long count(String table, String column, String space) {
    return Await.result(cluster.db().pool().preparedQuery("SELECT count(*) FROM " + table + " WHERE " + column + " = $1")
        .execute(Tuple.of(space))).iterator().next().getLong(0);
  }
}
