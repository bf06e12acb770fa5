package io.tether.suites.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.support.ApiClient;
import io.tether.support.ApiClient.Account;
import io.tether.support.ApiClient.Response;
import io.tether.support.RawFrames;
import io.tether.support.RawHttp;
import io.tether.support.TestCluster;
import io.tether.support.WsClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 32: what the security review and the fuzzer found in writes under read rules, invites and
 * the REST edge, each closed. One node, real PostgreSQL, requests as an attacker would send them.
 */
class ReviewFindingsIT {
  private static TestCluster cluster;
  private static ApiClient api;

  @BeforeAll
  static void start() {
    cluster = TestCluster.single(new JsonObject());
    api = cluster.api();
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  private static String space(Account owner) {
    String space = "rf-" + UUID.randomUUID().toString().substring(0, 8);
    assertThat(api.createSpace(owner, space).status()).isEqualTo(201);
    return space;
  }

  private static String doc(String space, String collection, String id) {
    return "/v1/spaces/" + space + "/documents/" + collection + "/" + id;
  }

  private static String raw(String method, String target, String token) {
    return RawHttp.exchange(cluster.node().port(), (method + " " + target + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
        + token + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
  }

  private static JsonObject graphql(Account who, String query) {
    return api.send("POST", "/graphql", who.token(), new JsonObject().put("query", query).encode()).json();
  }

  /** Item 3: bob may write but not read ann's tasks; no write path tells him anything of them. */
  @Test
  void aHiddenDocumentAnswersEveryWriteExactlyAsAMissingOne() {
    Account ann = api.register();
    Account bob = api.register();
    String space = space(ann);
    api.addMember(ann, space, bob.userId(), "writer");
    assertThat(api.send("PUT", "/v1/spaces/" + space + "/rules", ann.token(),
        "{\"collections\":{\"tasks\":{\"read\":\"data.owner == auth.userId\"}}}").status()).isEqualTo(200);
    assertThat(api.put(ann, space, "tasks", "secret", new JsonObject().put("owner", ann.userId()).put("pin", "4242"))
        .status()).isEqualTo(201);

    assertThat(api.send("GET", doc(space, "tasks", "secret"), bob.token(), null).status()).isEqualTo(404);
    for (String[] probe : new String[][] {
        {"PATCH", "{}", "Content-Type", "application/merge-patch+json"},
        {"PATCH", "{\"x\":1}", "Content-Type", "application/merge-patch+json"},
        {"DELETE", null, "X-Probe", "1"},
        {"PATCH", "{}", "If-Match", "\"1\""},
        {"PUT", "{\"owner\":\"x\"}", "If-Match", "\"1\""}}) {
      Response hidden = api.send(probe[0], doc(space, "tasks", "secret"), bob.token(), probe[1], probe[2], probe[3]);
      Response missing = api.send(probe[0], doc(space, "tasks", "nothing-" + UUID.randomUUID()), bob.token(), probe[1],
          probe[2], probe[3]);
      assertThat(hidden.status()).as(String.join(" ", probe)).isEqualTo(missing.status()).isIn(404, 412);
      assertThat(hidden.body()).as(String.join(" ", probe)).isEqualTo(missing.body()).doesNotContain("4242");
    }
    // A create over a hidden id cannot pretend to succeed: it is refused as a write rule refuses.
    Response create = api.send("PUT", doc(space, "tasks", "secret"), bob.token(), "{\"owner\":\"x\"}", "If-None-Match", "*");
    assertThat(create.status()).isEqualTo(403);
    assertThat(create.body()).doesNotContain("4242");

    // Batches and the socket's mutate answer as for a missing document.
    JsonArray batch = new JsonArray()
        .add(new JsonObject().put("mutationId", "h1").put("op", "patch").put("collection", "tasks").put("id", "secret")
            .put("data", new JsonObject()))
        .add(new JsonObject().put("mutationId", "h2").put("op", "patch").put("collection", "tasks").put("id", "none")
            .put("data", new JsonObject()));
    JsonArray results = api.send("POST", "/v1/spaces/" + space + "/mutations", bob.token(),
        new JsonObject().put("mutations", batch).encode()).json().getJsonArray("results");
    assertThat(results.getJsonObject(0).getString("code")).isEqualTo(results.getJsonObject(1).getString("code"))
        .isEqualTo("not_found");
    assertThat(results.encode()).doesNotContain("4242");
    try (WsClient ws = WsClient.connect(cluster.vertx(), cluster.node().port(), bob.token())) {
      ws.send(new JsonObject().put("type", "mutate").put("id", "m").put("space", space).put("mutations", new JsonArray()
          .add(new JsonObject().put("mutationId", "w1").put("op", "patch").put("collection", "tasks").put("id", "secret")
              .put("data", new JsonObject()))));
      JsonObject ack = ws.awaitType("ack");
      assertThat(ack.getJsonArray("results").getJsonObject(0).getString("code")).isEqualTo("not_found");
      assertThat(ack.encode()).doesNotContain("4242");
    }
    // GraphQL
    JsonObject gql = graphql(bob, "mutation { patchDocument(space: \"" + space
        + "\", collection: \"tasks\", id: \"secret\", patch: {}) { seq document { data } } }");
    assertThat(gql.encode()).doesNotContain("4242");
    assertThat(gql.getJsonArray("errors").getJsonObject(0).getJsonObject("extensions").getString("code")).isEqualTo("not_found");

    // A write whose result the writer may not read is answered without its data.
    Response handedOver = api.put(bob, space, "tasks", "gift", new JsonObject().put("owner", ann.userId()).put("pin", "77"));
    assertThat(handedOver.status()).isEqualTo(201);
    assertThat(handedOver.json().getJsonObject("document").getValue("data")).isNull();
    assertThat(api.send("GET", doc(space, "tasks", "secret"), ann.token(), null).json().getJsonObject("data")
        .getString("pin")).as("nothing bob sent changed ann's task").isEqualTo("4242");
  }

  /** Item 4: an invite grants at most its maker's role now, and nothing once they are gone. */
  @Test
  void anInviteDiesWithItsMakersRole() {
    Account olga = api.register();
    Account mallory = api.register();
    String space = space(olga);
    api.addMember(olga, space, mallory.userId(), "owner");
    String code = api.send("POST", "/v1/spaces/" + space + "/invites", mallory.token(), "{\"role\":\"owner\"}").json()
        .getString("code");
    String other = api.send("POST", "/v1/spaces/" + space + "/invites", mallory.token(), "{\"role\":\"owner\"}").json()
        .getString("code");
    // Demoted: what mallory's invites grant shrinks with her.
    api.addMember(olga, space, mallory.userId(), "reader");
    Account friend = api.register();
    Response joined = api.send("POST", "/v1/invites/" + other + "/accept", friend.token(), null);
    assertThat(joined.json().getString("role")).as(joined.body()).isEqualTo("reader");
    // Removed: her own earlier invite does not bring her back.
    assertThat(api.send("DELETE", "/v1/spaces/" + space + "/members/" + mallory.userId(), olga.token(), null).status())
        .isIn(200, 204);
    Response back = api.send("POST", "/v1/invites/" + code + "/accept", mallory.token(), null);
    assertThat(back.status()).as(back.body()).isEqualTo(410);
    assertThat(back.errorCode()).isEqualTo("invite_revoked");
    assertThat(api.send("GET", "/v1/spaces/" + space, mallory.token(), null).status()).isEqualTo(403);
    assertThat(api.send("GET", "/v1/spaces/" + space, olga.token(), null).json().getString("role")).isEqualTo("owner");
  }

  /** Item 18: dot segments never reach another route, and . and .. are never ids. */
  @Test
  void dotSegmentsAreRefusedAndNeverResolved() {
    Account ann = api.register();
    String space = space(ann);
    api.put(ann, space, "items", "milk", new JsonObject().put("n", 1));
    for (String path : new String[] {doc(space, "items", "../.."), doc(space, "items", "%2e%2e"),
        doc(space, "items", "%2E%2e/%2e%2e"), doc(space, "items", "."), "/v1/spaces/" + space + "/documents/items/./milk"}) {
      // Sent as is: an HTTP client library would resolve the dot segments itself.
      String answer = raw("DELETE", path, ann.token());
      assertThat(answer).as(path).startsWith("HTTP/1.1 400").contains("\"bad_request\"");
    }
    assertThat(api.send("GET", "/v1/spaces/" + space, ann.token(), null).status()).as("the space is still there").isEqualTo(200);
    assertThat(api.send("GET", doc(space, "items", "milk"), ann.token(), null).status()).isEqualTo(200);
    JsonArray batch = new JsonArray();
    for (String id : new String[] {".", ".."}) {
      batch.add(new JsonObject().put("mutationId", "d" + id.length()).put("op", "put").put("collection", "items").put("id", id)
          .put("data", new JsonObject()));
    }
    Response queued = api.send("POST", "/v1/spaces/" + space + "/mutations", ann.token(), new JsonObject().put("mutations", batch).encode());
    assertThat(queued.status()).isIn(200, 400);
    assertThat(queued.body()).contains("cannot be . or ..").doesNotContain("\"applied\"");
    assertThat(raw("PUT", "/v1/spaces/..", ann.token())).startsWith("HTTP/1.1 400");
    assertThat(api.send("PUT", "/v1/spaces/a..b", ann.token(), null).status()).as("dots inside a name are fine").isEqualTo(201);
  }

  /** Items 17 and 20: targets and bodies nothing can decode are 400s in the JSON error shape, and answered. */
  @Test
  void undecodableTargetsAndBodiesAre400sNot500s() {
    Account ann = api.register();
    for (String path : new String[] {"/v1/me?x=%", "/v1/me?x=%zz", "/v1/spaces/a%", "/v1/spaces/%g1/documents",
        "/health/live?%", "/v1/me/sessions/%00", "/nowhere/%%"}) {
      assertThat(raw("GET", path, ann.token())).as(path).startsWith("HTTP/1.1 400").contains("\"bad_request\"");
    }
    assertThat(raw("DELETE", "/v1/me/sessions/%00", ann.token())).startsWith("HTTP/1.1 400");
    for (String type : new String[] {"application/x-www-form-urlencoded", "multipart/form-data; boundary=xyz"}) {
      String body = type.startsWith("multipart") ? "--xyz\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nb\r\n--xyz--\r\n" : "a=b";
      for (String method : new String[] {"POST", "GET"}) {
        String raw = method + " /v1/auth/login?x=% HTTP/1.1\r\nHost: x\r\nContent-Type: " + type + "\r\nContent-Length: "
            + body.length() + "\r\n\r\n" + body;
        long started = System.nanoTime();
        String answer = RawHttp.exchange(cluster.node().port(), raw.getBytes(StandardCharsets.US_ASCII));
        assertThat(answer).as(method + " " + type).startsWith("HTTP/1.1 400").contains("\"bad_request\"");
        assertThat((System.nanoTime() - started) / 1_000_000).as("answered, not held").isLessThan(4_000);
        String good = method + " /v1/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + ann.token() + "\r\nContent-Type: " + type
            + "\r\nContent-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body;
        String formAnswer = RawHttp.exchange(cluster.node().port(), good.getBytes(StandardCharsets.US_ASCII));
        assertThat(formAnswer).as(method + " " + type + " with a good target").doesNotStartWith("HTTP/1.1 5")
            .startsWith("HTTP/1.1 4");
      }
    }
  }

  /** Item 21: a close code no endpoint may send is answered with 1002, not echoed. */
  @Test
  void aForbiddenCloseCodeIsAnsweredWith1002() throws Exception {
    Account ann = api.register();
    for (int code : new int[] {5000, 999, 1005, 2000}) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", cluster.node().port()), 5000);
        socket.setSoTimeout(10_000);
        RawFrames.upgrade(socket.getOutputStream(), socket.getInputStream(), "/v1/sync", "Authorization: Bearer " + ann.token());
        socket.getOutputStream().write(RawFrames.frame(0x88, new byte[] {(byte) (code >> 8), (byte) code}));
        socket.getOutputStream().flush();
        assertThat(RawFrames.awaitClose(socket.getInputStream())).as("close code " + code).isEqualTo(1002);
      }
    }
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", cluster.node().port()), 5000);
      socket.setSoTimeout(10_000);
      RawFrames.upgrade(socket.getOutputStream(), socket.getInputStream(), "/v1/sync", "Authorization: Bearer " + ann.token());
      socket.getOutputStream().write(RawFrames.frame(0x88, new byte[] {(byte) (4000 >> 8), (byte) 4000}));
      socket.getOutputStream().flush();
      assertThat(RawFrames.awaitClose(socket.getInputStream())).as("an application code is echoed").isEqualTo(4000);
    }
  }

  /** Item 20: a PUT of a space racing its DELETE answers 2xx or 4xx (409: deleted meanwhile), never 500. */
  @Test
  void aPutRacingADeleteOfTheSameSpaceIsNever500() throws Exception {
    Account ann = api.register();
    String space = "race-" + UUID.randomUUID().toString().substring(0, 8);
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      java.util.List<java.util.concurrent.Future<Integer>> statuses = new java.util.ArrayList<>();
      for (int i = 0; i < 150; i++) {
        statuses.add(pool.submit(() -> api.createSpace(ann, space).status()));
        statuses.add(pool.submit(() -> api.send("DELETE", "/v1/spaces/" + space, ann.token(), null).status()));
      }
      for (java.util.concurrent.Future<Integer> status : statuses) {
        assertThat(status.get(60, java.util.concurrent.TimeUnit.SECONDS)).isIn(200, 201, 204, 403, 404, 409);
      }
    } finally {
      pool.shutdown();
    }
  }
}
