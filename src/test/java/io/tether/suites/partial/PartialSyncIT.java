package io.tether.suites.partial;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.support.ApiClient;
import io.tether.support.ApiClient.Account;
import io.tether.support.TestCluster;
import io.tether.support.WsClient;
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
 * Issue 18: a subscription and a listing narrowed to a query. 1,000 tasks, 10 of them ann's open
 * ones; her filtered listing and subscription see exactly those, with the space's head as cursor;
 * a task reassigned away from her leaves; edits to tasks she does not see move only her cursor.
 */
class PartialSyncIT {
  private static final JsonArray ANNS_OPEN = new JsonArray("[[\"assignee\",\"==\",\"ann\"],[\"done\",\"==\",false]]");

  private static TestCluster cluster;
  private static ApiClient api;
  private static Account owner;
  private static String space;
  private static long head;

  @BeforeAll
  static void seed() {
    cluster = TestCluster.nodes(2, new JsonObject());
    api = cluster.api();
    owner = api.register();
    space = "tasks-" + System.nanoTime();
    assertThat(api.createSpace(owner, space).status()).isEqualTo(201);
    for (int i = 0; i < 1000; i++) {
      // 10 open tasks for ann (0, 100, 200, …), 10 of hers done, the rest bob's or carol's.
      String assignee = i % 100 == 0 || i % 100 == 1 ? "ann" : i % 2 == 0 ? "bob" : "carol";
      boolean done = i % 100 == 1 || (!assignee.equals("ann") && i % 3 == 0);
      assertThat(api.put(owner, space, "tasks", task(i), new JsonObject().put("assignee", assignee).put("done", done)
          .put("title", "task " + i)).status()).isEqualTo(201);
    }
    head = 1000;
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  private static String task(int i) {
    return String.format("t%04d", i);
  }

  private static JsonObject query() {
    return new JsonObject().put("collection", "tasks").put("where", ANNS_OPEN);
  }

  private static List<JsonObject> filteredListing(Account who, String where, int limit) {
    List<JsonObject> all = new ArrayList<>();
    String next = null;
    long cursor = -1;
    do {
      String path = "/v1/spaces/" + space + "/documents?collection=tasks&limit=" + limit + "&where="
          + URLEncoder.encode(where, StandardCharsets.UTF_8) + (next == null ? "" : "&after=" + next);
      ApiClient.Response page = api.send("GET", path, who.token(), null);
      assertThat(page.status()).as(page.body()).isEqualTo(200);
      JsonObject body = page.json();
      if (cursor >= 0) {
        assertThat(body.getLong("cursor")).as("every page keeps the first page's cursor").isEqualTo(cursor);
      }
      cursor = body.getLong("cursor");
      body.getJsonArray("documents").forEach(d -> all.add((JsonObject) d));
      next = body.getString("next");
    } while (next != null);
    long listedAt = cursor;
    all.forEach(d -> d.put("cursor", listedAt));
    return all;
  }

  @Test
  void theFilteredListingAndSubscriptionSeeExactlyAnnsOpenTasksAtTheHead() {
    List<JsonObject> listed = filteredListing(owner, ANNS_OPEN.encode(), 3);
    assertThat(listed).extracting(d -> d.getString("id"))
        .containsExactly("t0000", "t0100", "t0200", "t0300", "t0400", "t0500", "t0600", "t0700", "t0800", "t0900");
    assertThat(listed).allSatisfy(d -> assertThat(d.getJsonObject("data").getString("assignee")).isEqualTo("ann"));
    assertThat(listed.get(0).getLong("cursor")).isGreaterThanOrEqualTo(head);

    // Subscribing from 0 with the query replays only what concerns it, and syncs at the head.
    try (WsClient ws = WsClient.connect(cluster.vertx(), cluster.node(0).port(), owner.token())) {
      ws.send(new JsonObject().put("type", "subscribe").put("id", "s").put("space", space).put("since", 0)
          .put("presence", false).put("query", query()));
      List<JsonObject> before = new ArrayList<>();
      JsonObject frame;
      while (!(frame = ws.next()).getString("type").equals("synced")) {
        before.add(frame);
      }
      assertThat(frame.getLong("cursor")).isGreaterThanOrEqualTo(head);
      Set<String> changed = before.stream().filter(f -> f.getString("type").equals("change"))
          .map(f -> f.getString("id")).collect(Collectors.toCollection(TreeSet::new));
      assertThat(changed).containsExactlyElementsOf(listed.stream().map(d -> d.getString("id")).toList());
      assertThat(before).allSatisfy(f -> assertThat(f.getString("type")).isIn("change", "cursor"));
    }
  }

  @Test
  void reassigningLeavesEditingOthersMovesOnlyTheCursorAndAReconnectMissesNothing() {
    String mine = "t0500";
    try (WsClient ann = WsClient.connect(cluster.vertx(), cluster.node(0).port(), owner.token());
         WsClient bobs = WsClient.connect(cluster.vertx(), cluster.node(1).port(), owner.token())) {
      long cursor = filteredListing(owner, ANNS_OPEN.encode(), 50).get(0).getLong("cursor");
      ann.send(new JsonObject().put("type", "subscribe").put("id", "a").put("space", space).put("since", cursor)
          .put("presence", false).put("query", query()));
      assertThat(ann.awaitType("synced").getLong("cursor")).isEqualTo(cursor);
      bobs.send(new JsonObject().put("type", "subscribe").put("id", "b").put("space", space).put("since", cursor)
          .put("presence", false).put("query", new JsonObject().put("collection", "tasks")
              .put("where", new JsonArray("[[\"assignee\",\"==\",\"bob\"]]"))));
      assertThat(bobs.awaitType("synced").getLong("cursor")).isEqualTo(cursor);

      // Reassigned to bob: ann gets a leave, bob (on the other node) the change.
      assertThat(api.send("PATCH", "/v1/spaces/" + space + "/documents/tasks/" + mine, owner.token(),
          "{\"assignee\":\"bob\"}").status()).isEqualTo(200);
      JsonObject leave = ann.awaitType("change");
      assertThat(leave.getString("op")).isEqualTo("leave");
      assertThat(leave.getString("id")).isEqualTo(mine);
      assertThat(leave.containsKey("data")).as("a leave carries no data").isFalse();
      long leaveSeq = leave.getLong("seq");
      JsonObject gained = bobs.awaitFrame(f -> "change".equals(f.getString("type")) && mine.equals(f.getString("id")), 10);
      assertThat(gained.getJsonObject("data").getString("assignee")).isEqualTo("bob");

      // Edits to bob's tasks: ann receives no change, only cursors, at most about one a second.
      for (int i = 2; i < 12; i += 2) {
        assertThat(api.send("PATCH", "/v1/spaces/" + space + "/documents/tasks/" + task(i), owner.token(),
            "{\"title\":\"edited\"}").status()).isEqualTo(200);
      }
      List<JsonObject> seen = ann.drain(2500);
      assertThat(seen).allSatisfy(f -> assertThat(f.getString("type")).isEqualTo("cursor"));
      assertThat(seen).hasSizeBetween(1, 3);
      long lastCursor = seen.get(seen.size() - 1).getLong("seq");
      assertThat(lastCursor).isEqualTo(leaveSeq + 5);
      ann.close();

      // Back from her cursor: one of hers changes meanwhile, and that is what she gets, then synced.
      assertThat(api.send("PATCH", "/v1/spaces/" + space + "/documents/tasks/t0300", owner.token(),
          "{\"title\":\"urgent\"}").status()).isEqualTo(200);
      try (WsClient again = WsClient.connect(cluster.vertx(), cluster.node(1).port(), owner.token())) {
        again.send(new JsonObject().put("type", "subscribe").put("id", "a2").put("space", space).put("since", lastCursor)
            .put("presence", false).put("query", query()));
        JsonObject change = again.awaitType("change");
        assertThat(change.getString("id")).isEqualTo("t0300");
        assertThat(change.getJsonObject("data").getString("title")).isEqualTo("urgent");
        assertThat(again.awaitType("synced").getLong("cursor")).isEqualTo(change.getLong("seq"));
      }
      // The change log over REST, narrowed the same way: the leave and her task's change, nothing of bob's.
      ApiClient.Response changes = api.send("GET", "/v1/spaces/" + space + "/changes?since=" + cursor
          + "&collection=tasks&where=" + URLEncoder.encode(ANNS_OPEN.encode(), StandardCharsets.UTF_8), owner.token(), null);
      assertThat(changes.status()).as(changes.body()).isEqualTo(200);
      JsonArray entries = changes.json().getJsonArray("changes");
      assertThat(entries).hasSize(2);
      assertThat(entries.getJsonObject(0).getString("op")).isEqualTo("leave");
      assertThat(entries.getJsonObject(0).getString("id")).isEqualTo(mine);
      assertThat(entries.getJsonObject(0).containsKey("data")).isFalse();
      assertThat(entries.getJsonObject(1).getString("id")).isEqualTo("t0300");
      assertThat(changes.json().getLong("cursor")).as("the cursor moved over the skipped changes").isEqualTo(lastCursor + 1);
      assertThat(changes.body()).doesNotContain("before").doesNotContain("edited");
      // And her listing agrees with what her subscription delivered.
      assertThat(filteredListing(owner, ANNS_OPEN.encode(), 50)).extracting(d -> d.getString("id"))
          .doesNotContain(mine).contains("t0300").hasSize(9);
    }
  }

  @Test
  void aBadQueryIsAnErrorAndTheSocketStaysOpen() {
    try (WsClient ws = WsClient.connect(cluster.vertx(), cluster.node(0).port(), owner.token())) {
      ws.send(new JsonObject().put("type", "subscribe").put("id", "q").put("space", space).put("since", 0)
          .put("query", new JsonObject().put("collection", "tasks").put("where", new JsonArray("[[\"done\",\"~\",1]]"))));
      JsonObject error = ws.awaitType("error");
      assertThat(error.getString("id")).isEqualTo("q");
      assertThat(error.getString("code")).isEqualTo("bad_request");
      assertThat(error.getString("message")).contains("query.where[0]: op must be one of");
      ws.send(new JsonObject().put("type", "ping").put("id", 1));
      assertThat(ws.awaitType("pong").getInteger("id")).isEqualTo(1);
    }
    ApiClient.Response noCollection = api.send("GET", "/v1/spaces/" + space + "/documents?where=%5B%5D", owner.token(), null);
    assertThat(noCollection.status()).isEqualTo(400);
    assertThat(noCollection.json().getJsonObject("error").getString("message")).contains("where needs a collection");
    ApiClient.Response notJson = api.send("GET", "/v1/spaces/" + space + "/documents?collection=tasks&where=nope", owner.token(), null);
    assertThat(notJson.status()).isEqualTo(400);
  }
}
