package io.tether.graphql;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.support.ApiClient;
import io.tether.support.ApiClient.Account;
import io.tether.support.ApiClient.Response;
import io.tether.support.TestCluster;
import io.tether.support.WsClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * GraphQL against two real nodes sharing PostgreSQL and Redis: the same data and answers as REST,
 * subscriptions over graphql-transport-ws (spoken here by a real WebSocket client) that catch up and
 * go live exactly once and in order, and the same authorization and limits.
 */
class GraphQLIT {
  private static TestCluster cluster;
  private static ApiClient a;
  private static ApiClient b;

  @BeforeAll
  static void start() {
    cluster = TestCluster.nodes(2, new JsonObject().put("graphql", new JsonObject().put("maxDepth", 5).put("maxCost", 5000))
        .put("sync", new JsonObject().put("maxSubscriptions", 3)));
    a = cluster.api(0);
    b = cluster.api(1);
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  private static JsonObject graphql(ApiClient api, Account who, String query, JsonObject variables) {
    Response response = api.send("POST", "/graphql", who == null ? null : who.token(),
        new JsonObject().put("query", query).put("variables", variables).encode());
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    return response.json();
  }

  private static String errorCode(JsonObject result) {
    return result.getJsonArray("errors").getJsonObject(0).getJsonObject("extensions").getString("code");
  }

  private static String newSpace(Account owner) {
    String space = "gql-" + System.nanoTime();
    assertThat(a.createSpace(owner, space).status()).isEqualTo(201);
    return space;
  }

  @Test
  void aWriteThroughOneApiIsReadThroughTheOther() {
    Account owner = a.register();
    String space = newSpace(owner);
    JsonObject put = graphql(a, owner, """
        mutation($space: ID!) { putDocument(space: $space, collection: "todos", id: "t1", data: {title: "milk", n: 1}) {
          seq document { id version data } } }""", new JsonObject().put("space", space));
    assertThat(put.getJsonObject("data").getJsonObject("putDocument").getLong("seq")).isEqualTo(1);
    Response rest = b.send("GET", "/v1/spaces/" + space + "/documents/todos/t1", owner.token(), null);
    assertThat(rest.json().getJsonObject("data")).isEqualTo(new JsonObject().put("title", "milk").put("n", 1));

    b.put(owner, space, "todos", "t2", new JsonObject().put("title", "eggs"));
    JsonObject read = graphql(a, owner, """
        query($space: ID!) {
          space(id: $space) { seq role }
          document(space: $space, collection: "todos", id: "t2") { version data }
          missing: document(space: $space, collection: "todos", id: "nope") { id }
          documents(space: $space, collection: "todos") { cursor epoch next documents { id data } }
          changes(space: $space, since: 1) { cursor hasMore changes { seq op id data } }
        }""", new JsonObject().put("space", space)).getJsonObject("data");
    assertThat(read.getJsonObject("space")).isEqualTo(new JsonObject().put("seq", 2).put("role", "owner"));
    assertThat(read.getJsonObject("document").getJsonObject("data").getString("title")).isEqualTo("eggs");
    assertThat(read.getValue("missing")).isNull();
    assertThat(read.getJsonObject("documents").getLong("cursor")).isEqualTo(2);
    assertThat(read.getJsonObject("documents").getJsonArray("documents")).hasSize(2);
    assertThat(read.getJsonObject("changes").getJsonArray("changes").getJsonObject(0).getLong("seq")).isEqualTo(2);
    // Issue 33, item 1: ids identify objects across the API, as client caches assume.
    JsonObject ids = graphql(a, owner, """
        query($space: ID!) {
          document(space: $space, collection: "todos", id: "t2") { id space collection documentId }
          changes(space: $space, since: 0) { changes { id documentId seq } }
        }""", new JsonObject().put("space", space)).getJsonObject("data");
    assertThat(ids.getJsonObject("document")).isEqualTo(new JsonObject().put("id", space + "/todos/t2").put("space", space)
        .put("collection", "todos").put("documentId", "t2"));
    assertThat(ids.getJsonObject("changes").getJsonArray("changes").stream().map(c -> ((JsonObject) c).getString("id")))
        .containsExactly(space + "@1", space + "@2");

    JsonObject stale = graphql(a, owner, """
        mutation($space: ID!) { patchDocument(space: $space, collection: "todos", id: "t1", patch: {n: 2}, expectedVersion: 7) { seq } }""",
        new JsonObject().put("space", space));
    assertThat(errorCode(stale)).isEqualTo("precondition_failed");
    assertThat(stale.getJsonArray("errors").getJsonObject(0).getJsonObject("extensions").getJsonObject("current")
        .getLong("version")).isEqualTo(1);
    JsonObject patched = graphql(a, owner, """
        mutation($space: ID!) { patchDocument(space: $space, collection: "todos", id: "t1", patch: {n: 2}, expectedVersion: 1) {
          document { version data } } }""", new JsonObject().put("space", space));
    assertThat(patched.getJsonObject("data").getJsonObject("patchDocument").getJsonObject("document").getJsonObject("data"))
        .isEqualTo(new JsonObject().put("title", "milk").put("n", 2));
    JsonObject deleted = graphql(a, owner, """
        mutation($space: ID!) { deleteDocument(space: $space, collection: "todos", id: "t1") { version seq } }""",
        new JsonObject().put("space", space));
    assertThat(deleted.getJsonObject("data").getJsonObject("deleteDocument").getLong("seq")).isEqualTo(4);
    assertThat(b.send("GET", "/v1/spaces/" + space + "/documents/todos/t1", owner.token(), null).status()).isEqualTo(404);
  }

  @Test
  void documentsAndChangesTakeAQuery() {
    Account owner = a.register();
    String space = newSpace(owner);
    b.put(owner, space, "tasks", "a", new JsonObject().put("assignee", "ann"));
    b.put(owner, space, "tasks", "b", new JsonObject().put("assignee", "bob"));
    b.send("PATCH", "/v1/spaces/" + space + "/documents/tasks/a", owner.token(), "{\"assignee\":\"bob\"}");
    b.send("PATCH", "/v1/spaces/" + space + "/documents/tasks/b", owner.token(), "{\"note\":\"x\"}");
    JsonObject read = graphql(a, owner, """
        query($space: ID!, $where: JSON) {
          documents(space: $space, collection: "tasks", where: $where) { cursor documents { id } }
          changes(space: $space, since: 0, collection: "tasks", where: $where) { cursor changes { seq op id data } }
        }""", new JsonObject().put("space", space)
        .put("where", new io.vertx.core.json.JsonArray("[[\"assignee\",\"==\",\"ann\"]]"))).getJsonObject("data");
    assertThat(read.getJsonObject("documents").getJsonArray("documents")).isEmpty();
    assertThat(read.getJsonObject("documents").getLong("cursor")).isEqualTo(4);
    io.vertx.core.json.JsonArray changes = read.getJsonObject("changes").getJsonArray("changes");
    assertThat(changes).hasSize(2);
    assertThat(changes.getJsonObject(0).getString("op")).isEqualTo("put");
    assertThat(changes.getJsonObject(1).getString("op")).isEqualTo("leave");
    assertThat(changes.getJsonObject(1).getValue("data")).isNull();
    assertThat(read.getJsonObject("changes").getLong("cursor")).isEqualTo(4);
    JsonObject bad = graphql(a, owner, """
        query($space: ID!) { documents(space: $space, collection: "tasks", where: [["a", "~", 1]]) { cursor } }""",
        new JsonObject().put("space", space));
    assertThat(errorCode(bad)).isEqualTo("bad_request");
  }

  @Test
  void theIdempotentBatchGivesTheSameAnswersThroughGraphQLAndRest() {
    Account owner = a.register();
    String space = newSpace(owner);
    a.put(owner, space, "c", "existing", new JsonObject());
    JsonArray batch = new JsonArray()
        .add(new JsonObject().put("mutationId", "m1").put("op", "put").put("collection", "c").put("id", "x").put("data", new JsonObject().put("a", 1)))
        .add(new JsonObject().put("mutationId", "m2").put("op", "patch").put("collection", "c").put("id", "existing")
            .put("data", new JsonObject().put("b", 2)).put("baseVersion", 9))
        .add(new JsonObject().put("mutationId", "m3").put("op", "explode").put("collection", "c").put("id", "y"));
    JsonObject viaGraphQL = graphql(b, owner, """
        mutation($space: ID!, $batch: [MutationInput!]!) { mutate(space: $space, mutations: $batch) {
          mutationId status seq version current code message } }""",
        new JsonObject().put("space", space).put("batch", batch));
    JsonArray results = viaGraphQL.getJsonObject("data").getJsonArray("mutate");
    assertThat(results.stream().map(r -> ((JsonObject) r).getString("status"))).containsExactly("applied", "conflict", "rejected");
    JsonArray viaRest = a.send("POST", "/v1/spaces/" + space + "/mutations", owner.token(),
        new JsonObject().put("mutations", batch).encode()).json().getJsonArray("results");
    for (int i = 0; i < 3; i++) {
      JsonObject rest = viaRest.getJsonObject(i);
      JsonObject graph = results.getJsonObject(i);
      for (String field : rest.fieldNames()) {
        assertThat(graph.getValue(field)).as("result %d field %s", i, field).isEqualTo(rest.getValue(field));
      }
    }
    assertThat(a.send("GET", "/v1/spaces/" + space, owner.token(), null).json().getLong("seq"))
        .as("the replay through REST wrote nothing").isEqualTo(2);
  }

  @Test
  void aSubscriptionCatchesUpThenGoesLiveWithChangesWrittenOnTheOtherNode() throws Exception {
    Account owner = a.register();
    String space = newSpace(owner);
    for (int i = 1; i <= 40; i++) {
      b.put(owner, space, "c", "d" + i, new JsonObject().put("i", i));
    }
    try (WsClient ws = connect(new JsonObject().put("authorization", "Bearer " + owner.token()))) {
      ws.send(new JsonObject().put("id", "1").put("type", "subscribe").put("payload", new JsonObject()
          .put("query", "subscription($space: ID!) { changes(space: $space, since: 10) { kind cursor change { seq documentId data } } }")
          .put("variables", new JsonObject().put("space", space))));
      // Writes race the catch-up: some land in it, the rest arrive live.
      CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
        for (int i = 41; i <= 100; i++) {
          b.put(owner, space, "c", "d" + i, new JsonObject().put("i", i));
        }
      });
      List<Long> seqs = new ArrayList<>();
      int synced = 0;
      while (seqs.isEmpty() || seqs.get(seqs.size() - 1) < 100) {
        JsonObject message = ws.next(10);
        assertThat(message.getString("type")).as(message.encode()).isEqualTo("next");
        assertThat(message.getString("id")).isEqualTo("1");
        JsonObject event = message.getJsonObject("payload").getJsonObject("data").getJsonObject("changes");
        if (event.getString("kind").equals("SYNCED")) {
          synced++;
        } else {
          assertThat(event.getString("kind")).isEqualTo("CHANGE");
          seqs.add(event.getJsonObject("change").getLong("seq"));
        }
      }
      writing.get();
      assertThat(synced).as("one SYNCED between catch-up and live").isEqualTo(1);
      List<Long> expected = new ArrayList<>();
      for (long s = 11; s <= 100; s++) {
        expected.add(s);
      }
      assertThat(seqs).as("every change after 10 exactly once, in order").isEqualTo(expected);
      assertThat(ws.drain(300)).as("nothing more").isEmpty();

      ws.send(new JsonObject().put("id", "1").put("type", "complete"));
      b.put(owner, space, "c", "after", new JsonObject());
      assertThat(ws.drain(500)).as("completed subscriptions get nothing").isEmpty();
    }
  }

  @Test
  void aFilteredSubscriptionGetsMatchingChangesLeavesAndCursors() {
    Account owner = a.register();
    String space = newSpace(owner);
    b.put(owner, space, "tasks", "a", new JsonObject().put("assignee", "ann"));
    try (WsClient ws = connect(new JsonObject().put("authorization", "Bearer " + owner.token()))) {
      ws.send(new JsonObject().put("id", "f").put("type", "subscribe").put("payload", new JsonObject()
          .put("query", "subscription($space: ID!, $where: JSON) { changes(space: $space, since: 0, collection: \"tasks\", where: $where) {"
              + " kind cursor change { seq op id documentId data } } }")
          .put("variables", new JsonObject().put("space", space)
              .put("where", new io.vertx.core.json.JsonArray("[[\"assignee\",\"==\",\"ann\"]]")))));
      List<JsonObject> events = new ArrayList<>();
      java.util.function.Supplier<JsonObject> next = () -> {
        JsonObject message = ws.next(10);
        assertThat(message.getString("type")).as(message.encode()).isEqualTo("next");
        return message.getJsonObject("payload").getJsonObject("data").getJsonObject("changes");
      };
      events.add(next.get());
      events.add(next.get());
      b.put(owner, space, "tasks", "b", new JsonObject().put("assignee", "bob"));
      b.send("PATCH", "/v1/spaces/" + space + "/documents/tasks/a", owner.token(), "{\"assignee\":\"bob\"}");
      events.add(next.get());
      events.add(next.get());
      assertThat(events).extracting(e -> e.getString("kind")).containsExactly("CHANGE", "SYNCED", "CURSOR", "CHANGE");
      assertThat(events.get(0).getJsonObject("change").getString("documentId")).isEqualTo("a");
      assertThat(events.get(0).getJsonObject("change").getString("id")).as("a change's global id").isEqualTo(space + "@1");
      assertThat(events.get(2).getLong("cursor")).isEqualTo(2);
      assertThat(events.get(3).getJsonObject("change").getString("op")).isEqualTo("leave");
      assertThat(events.get(3).getJsonObject("change").getValue("data")).isNull();
      assertThat(events.get(3).getJsonObject("change").getLong("seq")).isEqualTo(3);
    }
  }

  @Test
  void aCursorFromAnotherEpochGetsResyncRequired() {
    Account owner = a.register();
    String space = newSpace(owner);
    a.put(owner, space, "c", "d", new JsonObject());
    try (WsClient ws = connect(new JsonObject().put("token", owner.token()))) {
      ws.send(new JsonObject().put("id", "r").put("type", "subscribe").put("payload", new JsonObject()
          .put("query", "subscription($space: ID!) { changes(space: $space, since: 1, epoch: \"not-this-one\") { kind minSeq epoch } }")
          .put("variables", new JsonObject().put("space", space))));
      JsonObject event = ws.awaitType("next").getJsonObject("payload").getJsonObject("data").getJsonObject("changes");
      assertThat(event.getString("kind")).isEqualTo("RESYNC_REQUIRED");
      assertThat(event.getString("epoch")).isEqualTo(a.send("GET", "/v1/spaces/" + space, owner.token(), null).json().getString("epoch"));
      assertThat(ws.awaitType("complete").getString("id")).isEqualTo("r");
    }
  }

  @Test
  void aDeletedSpaceEndsItsSubscriptionsWithSpaceDeletedOnEveryNode() {
    Account owner = a.register();
    String space = newSpace(owner);
    assertThat(graphql(a, owner, "{ space(id: \"" + space + "\") { id name } }", null).getJsonObject("data")
        .getJsonObject("space").getString("id")).isEqualTo(space);
    try (WsClient ws = connect(new JsonObject().put("token", owner.token()))) {
      ws.send(new JsonObject().put("id", "d").put("type", "subscribe").put("payload", new JsonObject()
          .put("query", "subscription($space: ID!) { changes(space: $space, since: 0) { kind } }")
          .put("variables", new JsonObject().put("space", space))));
      JsonObject synced = ws.awaitType("next").getJsonObject("payload").getJsonObject("data").getJsonObject("changes");
      assertThat(synced.getString("kind")).isEqualTo("SYNCED");
      // Deleted through the other node: the notice crosses Redis.
      assertThat(b.send("DELETE", "/v1/spaces/" + space, owner.token(), null).status()).isEqualTo(204);
      JsonObject event = ws.awaitType("next").getJsonObject("payload").getJsonObject("data").getJsonObject("changes");
      assertThat(event.getString("kind")).isEqualTo("SPACE_DELETED");
      assertThat(ws.awaitType("complete").getString("id")).isEqualTo("d");
    }
  }

  @Test
  void authenticationAndAuthorizationAreRest() {
    Account owner = a.register();
    Account stranger = a.register();
    String space = newSpace(owner);
    Response anonymous = a.send("POST", "/graphql", null, new JsonObject().put("query", "{ space(id: \"" + space + "\") { id } }").encode());
    assertThat(anonymous.status()).isEqualTo(401);
    assertThat(errorCode(anonymous.json())).as("GraphQL's error shape").isEqualTo("unauthorized");
    assertThat(errorCode(graphql(a, stranger, "{ space(id: \"" + space + "\") { id } }", null))).isEqualTo("forbidden");
    assertThat(errorCode(graphql(a, stranger, "mutation { putDocument(space: \"" + space
        + "\", collection: \"c\", id: \"x\", data: {}) { seq } }", null))).isEqualTo("forbidden");
    assertThat(errorCode(graphql(a, owner, "{ space(id: \"no spaces allowed\") { id } }", null))).isEqualTo("bad_request");

    try (WsClient ws = connect(null)) {
      assertThat(ws.closeCode(5)).as("connection_init without a token").isEqualTo((short) 4401);
    }
    try (WsClient ws = connect(new JsonObject().put("token", "forged.token.value"))) {
      assertThat(ws.closeCode(5)).isEqualTo((short) 4401);
    }
    try (WsClient ws = connect(new JsonObject().put("token", stranger.token()))) {
      ws.send(new JsonObject().put("id", "s").put("type", "subscribe").put("payload", new JsonObject()
          .put("query", "subscription { changes(space: \"" + space + "\", since: 0) { kind } }")));
      JsonObject error = ws.awaitFrame(m -> !m.getString("type").equals("pong"), 10);
      assertThat(error.encode()).contains("forbidden");
    }
  }

  @Test
  void queriesDeeperOrCostlierThanTheLimitsAreRefused() {
    Account owner = a.register();
    String space = newSpace(owner);
    // Introspection is the schema describing itself: its depth is not counted (issue 33; the API's own
    // fields are, see theStandardIntrospectionQueryIsAnsweredWhateverItsDepth).
    JsonObject deep = graphql(a, owner, "{ a: __schema { types { fields { type { ofType { name } } } } } }", null);
    assertThat(deep.getJsonArray("errors")).as(deep.encode()).isNull();
    StringBuilder costly = new StringBuilder("{");
    for (int i = 0; i < 10; i++) {
      costly.append(" p").append(i).append(": documents(space: \"").append(space).append("\", limit: 1000) { documents { id data } }");
    }
    JsonObject refused = graphql(a, owner, costly.append(" }").toString(), null);
    assertThat(errorCode(refused)).isEqualTo("too_large");
    assertThat(refused.getJsonArray("errors").getJsonObject(0).getString("message")).contains("costs");
    assertThat(graphql(a, owner, "{ documents(space: \"" + space + "\", limit: 10) { cursor documents { id } } }", null)
        .getValue("errors")).as("an ordinary listing passes").isNull();
  }

  @Test
  void aSocketRunsAtMostMaxSubscriptions() {
    Account owner = a.register();
    String space = newSpace(owner);
    try (WsClient ws = connect(new JsonObject().put("token", owner.token()))) {
      for (int i = 1; i <= 4; i++) {
        ws.send(new JsonObject().put("id", "s" + i).put("type", "subscribe").put("payload", new JsonObject()
            .put("query", "subscription { changes(space: \"" + space + "\", since: 0) { kind } }")));
      }
      // The four are checked concurrently: which one is refused is not fixed, that one is.
      java.util.Map<String, JsonObject> first = new java.util.HashMap<>();
      while (first.size() < 4) {
        JsonObject message = ws.next(10);
        first.putIfAbsent(message.getString("id"), message);
      }
      List<String> refused = first.entrySet().stream().filter(e -> e.getValue().encode().contains("too_large"))
          .map(java.util.Map.Entry::getKey).toList();
      assertThat(refused).as(first.toString()).hasSize(1);
      String running = first.keySet().stream().filter(id -> !refused.contains(id)).findFirst().orElseThrow();
      ws.send(new JsonObject().put("id", running).put("type", "complete"));
      ws.drain(300);
      ws.send(new JsonObject().put("id", "s5").put("type", "subscribe").put("payload", new JsonObject()
          .put("query", "subscription { changes(space: \"" + space + "\", since: 0) { kind } }")));
      JsonObject accepted = ws.awaitFrame(m -> "s5".equals(m.getString("id")), 10);
      assertThat(accepted.getString("type")).as("a slot freed by complete is reused: " + accepted.encode()).isEqualTo("next");
    }
  }

  @Test
  void introspectionCanBeTurnedOff() {
    try (TestCluster closed = TestCluster.single(new JsonObject().put("graphql", new JsonObject().put("introspection", false)))) {
      Account owner = closed.api().register();
      JsonObject refused = graphql(closed.api(), owner, "{ __schema { queryType { name } } }", null);
      assertThat(refused.getJsonArray("errors")).as(refused.encode()).isNotEmpty();
      assertThat(refused.getJsonObject("data")).as("no schema is given away").isNull();
      // An account of the main cluster: each database signs with its own key.
      assertThat(graphql(a, a.register(), "{ __schema { queryType { name } } }", null).getJsonObject("data")
          .getJsonObject("__schema").getJsonObject("queryType").getString("name")).as("on by default").isEqualTo("Query");
    }
  }

  /** Issue 33, item 2: what GraphiQL, graphql-inspector and codegen send (graphql-js's getIntrospectionQuery). */
  @Test
  void theStandardIntrospectionQueryIsAnsweredWhateverItsDepth() {
    String typeRef = "kind name " + "ofType { kind name ".repeat(9) + "}".repeat(9);
    String query = "query IntrospectionQuery { __schema { description queryType { name } mutationType { name }"
        + " subscriptionType { name } types { ...FullType } directives { name description isRepeatable locations"
        + " args(includeDeprecated: true) { ...InputValue } } } }"
        + " fragment FullType on __Type { kind name description specifiedByURL fields(includeDeprecated: true) { name"
        + " description args(includeDeprecated: true) { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }"
        + " inputFields(includeDeprecated: true) { ...InputValue } interfaces { ...TypeRef } enumValues(includeDeprecated: true)"
        + " { name description isDeprecated deprecationReason } possibleTypes { ...TypeRef } }"
        + " fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue isDeprecated deprecationReason }"
        + " fragment TypeRef on __Type { " + typeRef + " }";
    Account user = a.register();
    JsonObject answer = graphql(a, user, query, null);
    assertThat(answer.getJsonArray("errors")).as(answer.encode().substring(0, Math.min(400, answer.encode().length()))).isNull();
    assertThat(answer.getJsonObject("data").getJsonObject("__schema").getJsonArray("types")).isNotEmpty();
    assertThat(graphql(a, user, graphql.introspection.IntrospectionQuery.INTROSPECTION_QUERY, null).getJsonArray("errors")).isNull();
    // The API's own fields are still held to graphql.maxDepth.
    try (TestCluster shallow = TestCluster.single(new JsonObject().put("graphql", new JsonObject().put("maxDepth", 2)))) {
      Account someone = shallow.api().register();
      JsonObject refused = graphql(shallow.api(), someone, "{ spaces { spaces { id } } }", null);
      assertThat(refused.encode()).contains("3 levels deep; at most 2");
      assertThat(graphql(shallow.api(), someone, query, null).getJsonArray("errors")).as("introspection is not counted").isNull();
    }
  }

  @Test
  void theSchemaIsServedAsSdl() {
    Response sdl = a.send("GET", "/graphql/schema.graphql", null, null);
    assertThat(sdl.status()).isEqualTo(200);
    assertThat(sdl.body()).contains("type Subscription").contains("scalar JSON");
  }

  private static WsClient connect(JsonObject initPayload) {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(cluster.node(0).port())
        .setURI("/graphql").addSubProtocol(GraphQLApi.SUBPROTOCOL);
    WsClient ws = WsClient.connect(cluster.vertx(), options);
    assertThat(ws.socket().subProtocol()).isEqualTo(GraphQLApi.SUBPROTOCOL);
    JsonObject init = new JsonObject().put("type", "connection_init");
    if (initPayload != null) {
      init.put("payload", initPayload);
    }
    ws.send(init);
    if (initPayload != null && initPayload.getString("token", "").contains(".token.")) {
      return ws;
    }
    if (initPayload != null) {
      assertThat(ws.awaitType("connection_ack")).isNotNull();
    }
    return ws;
  }
}
