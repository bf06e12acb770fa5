package io.tether.suites.backends;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.support.ApiClient;
import io.tether.support.ApiClient.Account;
import io.tether.support.ApiClient.Response;
import io.tether.support.TestCluster;
import io.tether.support.WsClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 34, service keys: an app's backend makes a space for a user, writes into it as
 * {@code service:<name>}, reads spaces it is no member of, and is refused where a key does not belong;
 * a revoked key is refused on every node. Two nodes over Redis, real PostgreSQL, a real socket.
 */
class ServiceKeysIT {
  private static final String ADMIN = "service-keys-admin-token";
  /** A key the operator keeps in git by its hash (auth.serviceKeys). */
  private static final String DECLARED = "tsk_declaredInConfigurationForTheTestsOnly0123456";
  private static TestCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    String hash = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
        .digest(DECLARED.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    cluster = TestCluster.nodes(2, new JsonObject().put("server", new JsonObject().put("adminToken", ADMIN))
        .put("auth", new JsonObject().put("serviceKeys", new JsonArray().add(new JsonObject().put("name", "gitops")
            .put("sha256", hash).put("scopes", new JsonArray().add("spaces:read"))))));
  }

  @Test
  void aKeyDeclaredByItsHashInConfigurationWorksOnEveryNode() {
    Account ann = cluster.api(0).register();
    String space = "gitops-" + UUID.randomUUID().toString().substring(0, 8);
    cluster.api(0).createSpace(ann, space);
    for (int node = 0; node < 2; node++) {
      assertThat(cluster.api(node).send("GET", "/v1/spaces/" + space + "/documents", DECLARED, null).status()).isEqualTo(200);
    }
    assertThat(cluster.api(0).put(new Account("service", DECLARED), space, "items", "x", new JsonObject()).errorCode())
        .isEqualTo("insufficient_scope");
    assertThat(cluster.api(0).send("GET", "/admin/service-keys", ADMIN, null).json().getJsonArray("keys").stream()
        .map(k -> (JsonObject) k).filter(k -> "gitops".equals(k.getString("name"))).findFirst().orElseThrow()
        .getBoolean("declared")).isTrue();
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  private static String key(String name, JsonArray scopes, JsonArray spaces) {
    return key(new JsonObject().put("name", name).put("scopes", scopes), spaces);
  }

  private static String key(JsonObject body, JsonArray spaces) {
    if (spaces != null) {
      body.put("spaces", spaces);
    }
    Response made = cluster.api(0).send("POST", "/admin/service-keys", ADMIN, body.encode());
    assertThat(made.status()).as(made.body()).isEqualTo(201);
    assertThat(made.json().getString("key")).matches("tsk_[A-Za-z0-9_-]{43}");
    return made.json().getString("key");
  }

  @Test
  void aBackendMakesAUsersSpaceAndItsWriteReachesThePhoneAsTheService() {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String space = "u-42-" + suffix;
    String billing = key("billing-" + suffix, new JsonArray().add("spaces:write").add("members:write"),
        new JsonArray().add(space));
    ApiClient node0 = cluster.api(0);
    Account user = node0.register();

    Response made = node0.send("PUT", "/v1/spaces/" + space, billing, new JsonObject().put("owner", user.userId()).encode());
    assertThat(made.status()).as(made.body()).isEqualTo(201);
    assertThat(node0.send("GET", "/v1/spaces/" + space, user.token(), null).json().getString("role")).isEqualTo("owner");

    try (WsClient phone = WsClient.connect(cluster.vertx(), cluster.node(1).port(), user.token())) {
      phone.subscribe(space, 0, false);
      phone.awaitType("synced");
      Response written = node0.put(new Account("service", billing), space, "orders", "o1", new JsonObject().put("total", 42));
      assertThat(written.status()).as(written.body()).isEqualTo(201);
      JsonObject change = phone.awaitType("change");
      assertThat(change.getString("id")).isEqualTo("o1");
      assertThat(change.getString("actor")).isEqualTo("service:billing-" + suffix);
    }
    // The same write path: idempotent batches, the changes listing shows the actor.
    JsonArray batch = new JsonArray().add(new JsonObject().put("mutationId", "m1").put("op", "put")
        .put("collection", "orders").put("id", "o2").put("data", new JsonObject()));
    for (int i = 0; i < 2; i++) {
      Response queued = node0.send("POST", "/v1/spaces/" + space + "/mutations", billing,
          new JsonObject().put("mutations", batch).encode());
      assertThat(queued.json().getJsonArray("results").getJsonObject(0).getString("status")).isEqualTo("applied");
    }
    JsonArray changes = node0.send("GET", "/v1/spaces/" + space + "/changes?since=0", user.token(), null).json()
        .getJsonArray("changes");
    assertThat(changes).hasSize(2);
    assertThat(changes.getJsonObject(1).getString("actor")).isEqualTo("service:billing-" + suffix);

    // Outside its spaces, and where only users go.
    String other = "elsewhere-" + suffix;
    node0.createSpace(user, other);
    Response outside = node0.put(new Account("service", billing), other, "orders", "x", new JsonObject());
    assertThat(outside.status()).isEqualTo(403);
    assertThat(outside.body()).contains("not for space");
    Response me = node0.send("GET", "/v1/me", billing, null);
    assertThat(me.status()).isEqualTo(401);
    assertThat(me.errorCode()).isEqualTo("service_key_not_allowed");
    String socket = io.tether.support.RawHttp.exchange(cluster.node(0).port(), ("GET /v1/sync HTTP/1.1\r\nHost: x\r\n"
        + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nAuthorization: Bearer " + billing + "\r\n\r\n")
        .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    assertThat(socket).startsWith("HTTP/1.1 401").contains("service_key_not_allowed");
    // Owners' own business (rules, deleting the space) is no key's.
    assertThat(node0.send("DELETE", "/v1/spaces/" + space, billing, null).status()).isEqualTo(403);
  }

  @Test
  void aReadKeyReadsAnySpaceAndIsRefusedAWriteNamingTheScope() {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String reader = key("reports-" + suffix, new JsonArray().add("spaces:read"), null);
    ApiClient node1 = cluster.api(1);
    Account ann = node1.register();
    String space = "ann-" + suffix;
    node1.createSpace(ann, space);
    node1.put(ann, space, "items", "milk", new JsonObject().put("qty", 1));

    Response listed = node1.send("GET", "/v1/spaces/" + space + "/documents", reader, null);
    assertThat(listed.status()).as(listed.body()).isEqualTo(200);
    assertThat(listed.json().getJsonArray("documents")).hasSize(1);
    JsonObject gql = node1.send("POST", "/graphql", reader, new JsonObject().put("query",
        "{ documents(space: \"" + space + "\") { documents { documentId } } }").encode()).json();
    assertThat(gql.encode()).contains("\"documentId\":\"milk\"");

    Response write = node1.put(new Account("service", reader), space, "items", "tea", new JsonObject());
    assertThat(write.status()).isEqualTo(403);
    assertThat(write.errorCode()).isEqualTo("insufficient_scope");
    assertThat(write.body()).contains("spaces:write");
    assertThat(write.header("WWW-Authenticate")).contains("error=\"insufficient_scope\"").contains("scope=\"spaces:write\"");
  }

  @Test
  void aRevokedKeyIsRefusedOnEveryNodeAndTheListShowsNoSecret() {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String name = "cron-" + suffix;
    String cron = key(name, new JsonArray().add("spaces:read"), null);
    Account ann = cluster.api(0).register();
    String space = "cron-" + suffix;
    cluster.api(0).createSpace(ann, space);
    for (int node = 0; node < 2; node++) {
      assertThat(cluster.api(node).send("GET", "/v1/spaces/" + space + "/documents", cron, null).status()).isEqualTo(200);
    }
    Response listed = cluster.api(0).send("GET", "/admin/service-keys", ADMIN, null);
    assertThat(listed.body()).contains(name).doesNotContain(cron).doesNotContain("tsk_");
    assertThat(cluster.api(0).send("POST", "/admin/service-keys", ADMIN,
        new JsonObject().put("name", name).put("scopes", new JsonArray().add("spaces:read")).encode()).status())
        .as("names are unique").isEqualTo(409);

    long revoked = System.nanoTime();
    assertThat(cluster.api(0).send("DELETE", "/admin/service-keys/" + name, ADMIN, null).status()).isEqualTo(204);
    assertThat(cluster.api(0).send("GET", "/v1/spaces/" + space + "/documents", cron, null).status()).isEqualTo(401);
    long refusedElsewhere = -1;
    while (System.nanoTime() - revoked < 15_000_000_000L) {
      if (cluster.api(1).send("GET", "/v1/spaces/" + space + "/documents", cron, null).status() == 401) {
        refusedElsewhere = (System.nanoTime() - revoked) / 1_000_000;
        break;
      }
    }
    System.out.printf("service keys: a revoked key was refused on the other node %d ms after the DELETE%n", refusedElsewhere);
    assertThat(refusedElsewhere).as("refused on the other node within the cache bound (10 s)").isBetween(0L, 10_500L);
    assertThat(cluster.api(0).send("DELETE", "/admin/service-keys/" + name, ADMIN, null).status()).isEqualTo(404);
  }

  @Test
  void eachKeyHasTheRateLimitItsOperatorSet() {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String slow = key(new JsonObject().put("name", "slow-" + suffix).put("scopes", new JsonArray().add("spaces:read"))
        .put("requestsPerSecond", 1), null);
    Account ann = cluster.api(0).register();
    String space = "slow-" + suffix;
    cluster.api(0).createSpace(ann, space);
    int limited = 0;
    for (int i = 0; i < 10; i++) {
      limited += cluster.api(0).send("GET", "/v1/spaces/" + space + "/documents", slow, null).status() == 429 ? 1 : 0;
    }
    assertThat(limited).as("1 a second with a burst of 4: most of 10 at once are refused").isGreaterThanOrEqualTo(5);
  }

  /** What a request with a key costs beside one with a user's token (printed: a shared machine is noisy). */
  @Test
  void aKeyedRequestCostsAboutWhatAUsersDoes() {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String key = key(new JsonObject().put("name", "bench-" + suffix).put("scopes", new JsonArray().add("spaces:read"))
        .put("requestsPerSecond", 100_000), null);
    Account ann = cluster.api(0).register();
    String space = "bench-" + suffix;
    cluster.api(0).createSpace(ann, space);
    cluster.api(0).put(ann, space, "items", "milk", new JsonObject().put("qty", 1));
    String path = "/v1/spaces/" + space + "/documents/items/milk";
    long[] nanos = new long[2];
    for (int round = 0; round < 3; round++) {
      for (int who = 0; who < 2; who++) {
        String token = who == 0 ? ann.token() : key;
        long started = System.nanoTime();
        for (int i = 0; i < 50; i++) {
          assertThat(cluster.api(0).send("GET", path, token, null).status()).isEqualTo(200);
        }
        if (round > 0) {
          nanos[who] += System.nanoTime() - started;
        }
      }
    }
    System.out.printf("service keys: GET a document, 100 sequential requests each: user token %.2f ms, service key %.2f ms"
        + " per request%n", nanos[0] / 100 / 1e6, nanos[1] / 100 / 1e6);
  }

  @Test
  void adminReadOpensTheOperationsViewAndNothingElse() {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String ops = key("ops-" + suffix, new JsonArray().add("admin:read"), null);
    String reader = key("noops-" + suffix, new JsonArray().add("spaces:read"), null);
    assertThat(cluster.api(0).send("GET", "/admin/stats", ops, null).status()).isEqualTo(200);
    assertThat(cluster.api(1).send("GET", "/admin/jobs", ops, null).status()).isEqualTo(200);
    assertThat(cluster.api(0).send("GET", "/admin/service-keys", ops, null).status()).as("keys stay the admin's").isEqualTo(403);
    assertThat(cluster.api(0).send("POST", "/admin/jobs/1/retry", ops, null).status()).isEqualTo(403);
    Response refused = cluster.api(0).send("GET", "/admin/stats", reader, null);
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.errorCode()).isEqualTo("insufficient_scope");
  }
}
