package io.tether.suites.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.support.ApiClient;
import io.tether.support.ApiClient.Account;
import io.tether.support.ApiClient.Response;
import io.tether.support.TestCluster;
import io.tether.support.WsClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 18: read and write rules, on two nodes over Redis. 1,000 tasks, 10 of them ann's; with the
 * rule {@code data.assignee == auth.userId || role == "owner"} ann sees exactly hers and bob never
 * gets a frame or an answer that names one of them, over any API; a write the write rule refuses
 * changes nothing and takes no seq; a rules change reaches live subscriptions at once.
 */
class RulesIT {
  private static final String READ = "data.assignee == auth.userId || role == 'owner'";
  // Writers write their own tasks and keep them their own; before and after are null for a create and a delete.
  private static final String WRITE = "role == 'owner' || (before == null || before.assignee == auth.userId)"
      + " && (after == null || after.assignee == auth.userId)";

  private static TestCluster cluster;
  private static ApiClient api;
  private static Account owner;
  private static Account ann;
  private static Account bob;

  @BeforeAll
  static void start() {
    // Live subscriptions ask again for their user's role every second (role changes under read rules).
    cluster = TestCluster.nodes(2, new JsonObject().put("sync", new JsonObject().put("membershipRecheckSeconds", 1)
        .put("pingIntervalSeconds", 1)));
    api = cluster.api();
    owner = api.register();
    ann = api.register();
    bob = api.register();
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  private static JsonObject rules(String read, String write) {
    return new JsonObject().put("collections", new JsonObject().put("tasks", new JsonObject().put("read", read).put("write", write)));
  }

  private static Response putRules(Account who, String space, JsonObject rules) {
    return api.send("PUT", "/v1/spaces/" + space + "/rules", who.token(), rules.encode());
  }

  private static String task(int i) {
    return String.format("t%04d", i);
  }

  /** A space with ann and bob as writers, the rules set first, then 1,000 tasks: 0, 100, … 900 are ann's. */
  private static String seededSpace() {
    String space = "rules-" + System.nanoTime();
    assertThat(api.createSpace(owner, space).status()).isEqualTo(201);
    assertThat(api.addMember(owner, space, ann.userId(), "writer").status()).isEqualTo(200);
    assertThat(api.addMember(owner, space, bob.userId(), "writer").status()).isEqualTo(200);
    Response set = putRules(owner, space, rules(READ, WRITE));
    assertThat(set.status()).as(set.body()).isEqualTo(200);
    JsonArray batch = new JsonArray();
    for (int i = 0; i < 1000; i++) {
      batch.add(new JsonObject().put("mutationId", "seed-" + i).put("op", "put").put("collection", "tasks").put("id", task(i))
          .put("data", new JsonObject().put("assignee", i % 100 == 0 ? ann.userId() : bob.userId()).put("done", i % 3 == 0)
              .put("title", "task " + i)));
      if (batch.size() == 200) {
        Response r = api.send("POST", "/v1/spaces/" + space + "/mutations", owner.token(), new JsonObject().put("mutations", batch).encode());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        batch = new JsonArray();
      }
    }
    return space;
  }

  private static final Set<String> ANNS = Set.of("t0000", "t0100", "t0200", "t0300", "t0400", "t0500", "t0600", "t0700",
      "t0800", "t0900");

  /** Every document of a listing, following next; the first page's cursor in {@code cursor[0]}. */
  private static List<JsonObject> listing(Account who, String space, String where, long[] cursor) {
    List<JsonObject> all = new ArrayList<>();
    String next = null;
    do {
      String path = "/v1/spaces/" + space + "/documents?collection=tasks&limit=100"
          + (where == null ? "" : "&where=" + URLEncoder.encode(where, StandardCharsets.UTF_8))
          + (next == null ? "" : "&after=" + next);
      Response page = api.send("GET", path, who.token(), null);
      assertThat(page.status()).as(page.body()).isEqualTo(200);
      JsonObject body = page.json();
      if (cursor != null && next == null) {
        cursor[0] = body.getLong("cursor");
      }
      body.getJsonArray("documents").forEach(d -> all.add((JsonObject) d));
      next = body.getString("next");
    } while (next != null);
    return all;
  }

  private static Set<String> ids(List<JsonObject> documents) {
    return documents.stream().map(d -> d.getString("id")).collect(Collectors.toCollection(TreeSet::new));
  }

  /** Whether any text names one of ann's tasks. */
  private static boolean namesAnns(String text) {
    return ANNS.stream().anyMatch(text::contains);
  }

  private static JsonObject graphql(Account who, String query, JsonObject variables) {
    Response response = api.send("POST", "/graphql", who.token(), new JsonObject().put("query", query).put("variables", variables).encode());
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    return response.json();
  }

  @Test
  void rulesAreCheckedAndShownAndOnlyOwnersSetThem() {
    String space = "rules-" + System.nanoTime();
    assertThat(api.createSpace(owner, space).status()).isEqualTo(201);
    assertThat(api.addMember(owner, space, ann.userId(), "writer").status()).isEqualTo(200);
    JsonObject none = api.send("GET", "/v1/spaces/" + space + "/rules", owner.token(), null).json();
    assertThat(none.getLong("seq")).isZero();
    assertThat(none.getJsonObject("rules")).isEmpty();

    Response syntax = putRules(owner, space, rules("data.assignee ==", "true"));
    assertThat(syntax.status()).isEqualTo(400);
    assertThat(syntax.errorCode()).isEqualTo("bad_request");
    assertThat(syntax.json().getJsonObject("error").getString("message")).contains("collections.tasks.read").contains("line 1");
    Response type = putRules(owner, space, rules("true", "data.points + 'a' > 1"));
    assertThat(type.status()).isEqualTo(400);
    assertThat(type.json().getJsonObject("error").getString("message")).contains("collections.tasks.write");
    Response shape = api.send("PUT", "/v1/spaces/" + space + "/rules", owner.token(), "{\"collections\":{\"tasks\":{\"raed\":\"true\"}}}");
    assertThat(shape.status()).isEqualTo(400);
    assertThat(shape.json().getJsonObject("error").getString("message")).contains("raed");
    assertThat(api.send("PUT", "/v1/spaces/" + space + "/rules", owner.token(), "[1]").status()).isEqualTo(400);

    assertThat(putRules(ann, space, rules("true", "true")).status()).isEqualTo(403);
    assertThat(api.send("GET", "/v1/spaces/" + space + "/rules", ann.token(), null).status()).isEqualTo(403);
    long headBefore = api.send("GET", "/v1/spaces/" + space, owner.token(), null).json().getLong("seq");
    assertThat(headBefore).as("refused rules take no seq").isZero();

    Response set = putRules(owner, space, rules(READ, WRITE));
    assertThat(set.status()).isEqualTo(200);
    assertThat(set.json().getLong("seq")).isEqualTo(1);
    JsonObject shown = api.send("GET", "/v1/spaces/" + space + "/rules", owner.token(), null).json();
    assertThat(shown.getJsonObject("rules")).isEqualTo(rules(READ, WRITE));
    assertThat(shown.getLong("seq")).isEqualTo(1);
  }

  @Test
  void annListsExactlyHerTasksAndBobNeverSeesThemOverAnyReadApi() {
    String space = seededSpace();
    long[] cursor = new long[1];
    assertThat(ids(listing(ann, space, null, cursor))).containsExactlyElementsOf(new TreeSet<>(ANNS));
    long head = api.send("GET", "/v1/spaces/" + space, owner.token(), null).json().getLong("seq");
    assertThat(cursor[0]).isEqualTo(head);
    assertThat(ids(listing(ann, space, "[[\"done\",\"==\",true]]", null)))
        .containsExactly("t0000", "t0300", "t0600", "t0900");
    assertThat(ids(listing(owner, space, null, null))).hasSize(1000);

    List<JsonObject> bobs = listing(bob, space, null, null);
    assertThat(bobs).hasSize(990);
    assertThat(namesAnns(new JsonArray(bobs).encode())).isFalse();
    for (String where : List.of("[[\"assignee\",\"==\",\"" + ann.userId() + "\"]]", "[[\"title\",\"exists\",true]]",
        "[[\"done\",\"in\",[true,false]]]")) {
      assertThat(namesAnns(new JsonArray(listing(bob, space, where, null)).encode())).as(where).isFalse();
    }
    // One of ann's is not found for bob, exactly as a document that does not exist.
    Response hidden = api.send("GET", "/v1/spaces/" + space + "/documents/tasks/t0100", bob.token(), null);
    Response missing = api.send("GET", "/v1/spaces/" + space + "/documents/tasks/nope", bob.token(), null);
    assertThat(hidden.status()).isEqualTo(404);
    assertThat(hidden.body()).isEqualTo(missing.body());
    assertThat(api.send("GET", "/v1/spaces/" + space + "/documents/tasks/t0100", ann.token(), null).status()).isEqualTo(200);

    // The change log over REST from the rules on, whole and filtered.
    long rulesSeq = api.send("GET", "/v1/spaces/" + space + "/rules", owner.token(), null).json().getLong("seq");
    long since = rulesSeq;
    int changesSeen = 0;
    boolean more = true;
    while (more) {
      Response page = api.send("GET", "/v1/spaces/" + space + "/changes?limit=500&since=" + since, bob.token(), null);
      assertThat(page.status()).as(page.body()).isEqualTo(200);
      assertThat(namesAnns(page.body())).isFalse();
      changesSeen += page.json().getJsonArray("changes").size();
      since = page.json().getLong("cursor");
      more = page.json().getBoolean("hasMore");
    }
    assertThat(changesSeen).isEqualTo(990);
    assertThat(since).isEqualTo(head);
    // A cursor from before the rules cannot be served (history before them was told under no rules).
    Response old = api.send("GET", "/v1/spaces/" + space + "/changes?since=0", bob.token(), null);
    assertThat(old.status()).isEqualTo(410);
    assertThat(old.json().getLong("minSeq")).isEqualTo(rulesSeq);

    // GraphQL: documents, document, changes.
    JsonObject gql = graphql(bob, """
        query($space: ID!, $since: Long!) {
          documents(space: $space, collection: "tasks", limit: 1000) { documents { documentId } }
          one: document(space: $space, collection: "tasks", id: "t0200") { id }
          changes(space: $space, since: $since, limit: 1000) { changes { documentId } }
        }""", new JsonObject().put("space", space).put("since", rulesSeq));
    assertThat(namesAnns(gql.encode())).as(gql.encode()).isFalse();
    assertThat(gql.getJsonObject("data").getJsonObject("documents").getJsonArray("documents")).isNotEmpty();
    assertThat(gql.getJsonObject("data").getValue("one")).isNull();

    // A GraphQL subscription's catch-up and live changes.
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(cluster.node(1).port())
        .setURI("/graphql").addSubProtocol("graphql-transport-ws");
    try (WsClient ws = WsClient.connect(cluster.vertx(), options)) {
      ws.send(new JsonObject().put("type", "connection_init").put("payload", new JsonObject().put("authorization", "Bearer " + bob.token())));
      ws.awaitType("connection_ack");
      ws.send(new JsonObject().put("id", "s").put("type", "subscribe").put("payload", new JsonObject()
          .put("query", "subscription($space: ID!, $since: Long!) { changes(space: $space, since: $since) { kind cursor change { seq documentId data } } }")
          .put("variables", new JsonObject().put("space", space).put("since", rulesSeq))));
      List<JsonObject> events = new ArrayList<>();
      JsonObject event;
      do {
        JsonObject message = ws.next(20);
        assertThat(message.getString("type")).as(message.encode()).isEqualTo("next");
        event = message.getJsonObject("payload").getJsonObject("data").getJsonObject("changes");
        events.add(event);
      } while (!event.getString("kind").equals("SYNCED"));
      assertThat(api.send("PATCH", "/v1/spaces/" + space + "/documents/tasks/t0800", owner.token(), "{\"title\":\"z\"}").status())
          .isEqualTo(200);
      assertThat(api.send("PATCH", "/v1/spaces/" + space + "/documents/tasks/t0801", owner.token(), "{\"title\":\"z\"}").status())
          .isEqualTo(200);
      JsonObject live = ws.awaitFrame(m -> "next".equals(m.getString("type")) && "CHANGE".equals(
          m.getJsonObject("payload").getJsonObject("data").getJsonObject("changes").getString("kind")), 10);
      assertThat(live.encode()).contains("t0801");
      assertThat(events.stream().filter(e -> e.getString("kind").equals("CHANGE")).count()).isEqualTo(990);
      assertThat(namesAnns(new JsonArray(events).encode())).isFalse();
    }
  }

  @Test
  void aRoleChangeUnderReadRulesSendsTheSubscriberToReload() {
    String space = seededSpace();
    long head = api.send("GET", "/v1/spaces/" + space, owner.token(), null).json().getLong("seq");
    try (WsClient annWs = WsClient.connect(cluster.vertx(), cluster.node(0).port(), ann.token())) {
      annWs.send(new JsonObject().put("type", "subscribe").put("id", "a").put("space", space).put("since", head).put("presence", false));
      annWs.awaitType("synced");
      assertThat(api.addMember(owner, space, ann.userId(), "owner").status()).isEqualTo(200);
      JsonObject resync = annWs.awaitFrame(f -> "resync_required".equals(f.getString("type")), 10);
      assertThat(resync.getString("space")).isEqualTo(space);
      // Reloaded as an owner she lists every task.
      assertThat(ids(listing(ann, space, null, null))).hasSize(1000);
    }
  }

  @Test
  void subscriptionsFollowTheRulesAcrossNodesAndAReconnectMissesNothing() {
    String space = seededSpace();
    long rulesSeq = api.send("GET", "/v1/spaces/" + space + "/rules", owner.token(), null).json().getLong("seq");
    try (WsClient annWs = WsClient.connect(cluster.vertx(), cluster.node(0).port(), ann.token());
         WsClient bobWs = WsClient.connect(cluster.vertx(), cluster.node(1).port(), bob.token())) {
      // Catch-up from the rules' seq: ann gets exactly her 10; bob 990 and nothing of hers.
      annWs.send(new JsonObject().put("type", "subscribe").put("id", "a").put("space", space).put("since", rulesSeq).put("presence", false));
      bobWs.send(new JsonObject().put("type", "subscribe").put("id", "b").put("space", space).put("since", rulesSeq).put("presence", false));
      List<JsonObject> annFrames = untilSynced(annWs);
      List<JsonObject> bobFrames = untilSynced(bobWs);
      assertThat(annFrames.stream().filter(f -> f.getString("type").equals("change")).map(f -> f.getString("id")).toList())
          .containsExactlyInAnyOrderElementsOf(ANNS);
      assertThat(bobFrames.stream().filter(f -> f.getString("type").equals("change")).count()).isEqualTo(990);
      assertThat(namesAnns(new JsonArray(bobFrames).encode())).isFalse();
      long head = annFrames.get(annFrames.size() - 1).getLong("cursor");

      // Reassigning one of ann's to bob: ann gets a leave, bob (on the other node) the document.
      assertThat(api.send("PATCH", "/v1/spaces/" + space + "/documents/tasks/t0500", owner.token(),
          "{\"assignee\":\"" + bob.userId() + "\"}").status()).isEqualTo(200);
      JsonObject leave = annWs.awaitType("change");
      assertThat(leave.getString("op")).isEqualTo("leave");
      assertThat(leave.getString("id")).isEqualTo("t0500");
      assertThat(leave.containsKey("data")).isFalse();
      JsonObject gained = bobWs.awaitFrame(f -> "change".equals(f.getString("type")), 10);
      assertThat(gained.getString("id")).isEqualTo("t0500");
      assertThat(gained.getJsonObject("data").getString("assignee")).isEqualTo(bob.userId());

      // Edits of bob's tasks: nothing for ann but her cursor.
      for (int i = 1; i <= 5; i++) {
        assertThat(api.send("PATCH", "/v1/spaces/" + space + "/documents/tasks/" + task(i), owner.token(),
            "{\"title\":\"edited\"}").status()).isEqualTo(200);
      }
      List<JsonObject> cursors = annWs.drain(2500);
      assertThat(cursors).isNotEmpty().allSatisfy(f -> assertThat(f.getString("type")).isEqualTo("cursor"));
      long annCursor = cursors.get(cursors.size() - 1).getLong("seq");
      assertThat(annCursor).isEqualTo(head + 6);
      annWs.close();

      // While she is away one of hers changes; back from her cursor she gets it, then synced.
      assertThat(api.send("PATCH", "/v1/spaces/" + space + "/documents/tasks/t0700", owner.token(),
          "{\"title\":\"while away\"}").status()).isEqualTo(200);
      assertThat(api.send("PATCH", "/v1/spaces/" + space + "/documents/tasks/t0007", owner.token(),
          "{\"title\":\"while away\"}").status()).isEqualTo(200);
      try (WsClient again = WsClient.connect(cluster.vertx(), cluster.node(1).port(), ann.token())) {
        again.send(new JsonObject().put("type", "subscribe").put("id", "a2").put("space", space).put("since", annCursor).put("presence", false));
        List<JsonObject> back = untilSynced(again);
        assertThat(back.stream().filter(f -> f.getString("type").equals("change")).map(f -> f.getString("id")).toList())
            .containsExactly("t0700");
        assertThat(back.get(back.size() - 1).getLong("cursor")).isEqualTo(head + 8);
      }
      List<JsonObject> bobLater = bobWs.drain(1500);
      assertThat(namesAnns(new JsonArray(bobLater).encode())).as("t0700 stays ann's").isFalse();
    }
  }

  @Test
  void aWriteTheWriteRuleRefusesChangesNothingAndLeavesNoGap() {
    String space = seededSpace();
    long head = api.send("GET", "/v1/spaces/" + space, owner.token(), null).json().getLong("seq");
    // REST
    // t0100 is ann's, hidden from bob: his write is answered as if there were no such document.
    Response rest = api.send("PATCH", "/v1/spaces/" + space + "/documents/tasks/t0100", bob.token(), "{\"done\":true}");
    assertThat(rest.status()).isEqualTo(404);
    assertThat(rest.errorCode()).isEqualTo("not_found");
    assertThat(api.send("PUT", "/v1/spaces/" + space + "/documents/tasks/new-for-ann", bob.token(),
        "{\"assignee\":\"" + ann.userId() + "\"}").status()).as("bob may not create ann's").isEqualTo(403);
    // A failed precondition on a document bob may not read tells him nothing of it.
    Response stale = api.send("PUT", "/v1/spaces/" + space + "/documents/tasks/t0100", bob.token(),
        "{\"assignee\":\"" + bob.userId() + "\"}", "If-Match", "\"99\"");
    assertThat(stale.status()).isEqualTo(412);
    assertThat(namesAnns(stale.body()) || stale.body().contains(ann.userId())).as(stale.body()).isFalse();
    // Offline queue (REST and WebSocket) and GraphQL
    JsonArray batch = new JsonArray()
        .add(new JsonObject().put("mutationId", "b1").put("op", "delete").put("collection", "tasks").put("id", "t0200"))
        .add(new JsonObject().put("mutationId", "b2").put("op", "patch").put("collection", "tasks").put("id", "t0001")
            .put("data", new JsonObject().put("title", "bob's own")));
    Response queued = api.send("POST", "/v1/spaces/" + space + "/mutations", bob.token(), new JsonObject().put("mutations", batch).encode());
    assertThat(queued.status()).isEqualTo(200);
    JsonArray results = queued.json().getJsonArray("results");
    assertThat(results.getJsonObject(0).getString("status")).isEqualTo("rejected");
    assertThat(results.getJsonObject(0).getString("code")).as("hidden, so answered as missing").isEqualTo("not_found");
    assertThat(results.getJsonObject(1).getString("status")).isEqualTo("applied");
    assertThat(results.getJsonObject(1).getLong("seq")).as("the refusal took no seq").isEqualTo(head + 1);
    try (WsClient ws = WsClient.connect(cluster.vertx(), cluster.node(1).port(), bob.token())) {
      ws.send(new JsonObject().put("type", "mutate").put("id", "m").put("space", space).put("mutations", new JsonArray()
          .add(new JsonObject().put("mutationId", "w1").put("op", "patch").put("collection", "tasks").put("id", "t0300")
              .put("data", new JsonObject().put("assignee", bob.userId())))));
      JsonObject ack = ws.awaitType("ack");
      assertThat(ack.getJsonArray("results").getJsonObject(0).getString("status")).isEqualTo("rejected");
    }
    JsonObject gql = graphql(bob, """
        mutation($space: ID!) { patchDocument(space: $space, collection: "tasks", id: "t0400", patch: {done: true}) { seq } }""",
        new JsonObject().put("space", space));
    assertThat(gql.getJsonArray("errors").getJsonObject(0).getJsonObject("extensions").getString("code")).isEqualTo("not_found");

    long after = api.send("GET", "/v1/spaces/" + space, owner.token(), null).json().getLong("seq");
    assertThat(after).as("only bob's own patch was written").isEqualTo(head + 1);
    assertThat(api.send("GET", "/v1/spaces/" + space + "/documents/tasks/t0200", ann.token(), null).status()).isEqualTo(200);
    assertThat(api.send("GET", "/v1/spaces/" + space + "/documents/tasks/t0100", ann.token(), null).json()
        .getJsonObject("data").getBoolean("done")).as("bob's refused patch").isFalse();
  }

  @Test
  void aRulesChangeReachesLiveSubscriptionsAtOnceAndOldCursorsResync() {
    String space = seededSpace();
    long rulesSeq = api.send("GET", "/v1/spaces/" + space + "/rules", owner.token(), null).json().getLong("seq");
    long head = api.send("GET", "/v1/spaces/" + space, owner.token(), null).json().getLong("seq");
    try (WsClient annWs = WsClient.connect(cluster.vertx(), cluster.node(0).port(), ann.token());
         WsClient bobWs = WsClient.connect(cluster.vertx(), cluster.node(1).port(), bob.token())) {
      annWs.send(new JsonObject().put("type", "subscribe").put("id", "a").put("space", space).put("since", head).put("presence", false));
      bobWs.send(new JsonObject().put("type", "subscribe").put("id", "b").put("space", space).put("since", head).put("presence", false));
      annWs.awaitType("synced");
      bobWs.awaitType("synced");

      // Narrowed: ann may now read only her open tasks; bob also gets t0005.
      Response set = putRules(owner, space, rules("role == 'owner' || data.assignee == auth.userId && !data.done || id == 't0005'", WRITE));
      assertThat(set.status()).isEqualTo(200);
      long changedAt = set.json().getLong("seq");
      List<JsonObject> annTold = untilCursor(annWs, changedAt);
      assertThat(annTold.stream().filter(f -> "leave".equals(f.getString("op"))).map(f -> f.getString("id")).toList())
          .containsExactlyInAnyOrder("t0000", "t0300", "t0600", "t0900");
      assertThat(annTold.stream().filter(f -> "put".equals(f.getString("op"))).map(f -> f.getString("id")).toList())
          .containsExactly("t0005");
      List<JsonObject> bobTold = untilCursor(bobWs, changedAt);
      assertThat(bobTold).as("bob's done tasks leave; he saw t0005 already").isNotEmpty()
          .allSatisfy(f -> assertThat(f.getString("op")).isEqualTo("leave"));
      assertThat(bobTold).hasSize((int) java.util.stream.IntStream.range(0, 1000).filter(i -> i % 100 != 0 && i % 3 == 0 && i != 5).count());
      assertThat(namesAnns(new JsonArray(bobTold).encode())).isFalse();
      assertThat(annTold).allSatisfy(f -> {
        assertThat(f.getLong("seq")).isEqualTo(changedAt);
        assertThat(f.getBoolean("rules")).as("told as part of the rules change").isTrue();
      });

      // The next change flows under the new rules: a done task of ann's is not hers to see now.
      assertThat(api.send("PATCH", "/v1/spaces/" + space + "/documents/tasks/t0300", owner.token(), "{\"title\":\"x\"}").status())
          .isEqualTo(200);
      assertThat(api.send("PATCH", "/v1/spaces/" + space + "/documents/tasks/t0100", owner.token(), "{\"title\":\"y\"}").status())
          .isEqualTo(200);
      JsonObject next = annWs.awaitFrame(f -> "change".equals(f.getString("type")), 10);
      assertThat(next.getString("id")).isEqualTo("t0100");

      // A cursor from before the change is not served: the client reloads under the new rules.
      try (WsClient old = WsClient.connect(cluster.vertx(), cluster.node(1).port(), ann.token())) {
        old.send(new JsonObject().put("type", "subscribe").put("id", "o").put("space", space).put("since", head).put("presence", false));
        JsonObject resync = old.awaitType("resync_required");
        assertThat(resync.getLong("minSeq")).isEqualTo(changedAt);
      }
    }
    assertThat(rulesSeq).isLessThan(head);
  }

  private static List<JsonObject> untilSynced(WsClient ws) {
    List<JsonObject> frames = new ArrayList<>();
    JsonObject frame;
    do {
      frame = ws.next(20);
      assertThat(frame.getString("type")).isNotEqualTo("error");
      frames.add(frame);
    } while (!frame.getString("type").equals("synced"));
    return frames;
  }

  private static List<JsonObject> untilCursor(WsClient ws, long seq) {
    List<JsonObject> frames = new ArrayList<>();
    JsonObject frame;
    do {
      frame = ws.next(20);
      frames.add(frame);
    } while (!(frame.getString("type").equals("cursor") && frame.getLong("seq") == seq));
    frames.remove(frames.size() - 1);
    return frames;
  }
}
