package io.tether.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.support.ApiClient;
import io.tether.support.ApiClient.Account;
import io.tether.support.TestCluster;
import io.tether.support.TestDatabase;
import io.tether.support.TestNode;
import io.tether.support.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Authentication over a socket's life: short-lived tokens (5 s) warn, renew and expire; a socket
 * cannot switch users; removing a member ends its live subscription at once, on every node.
 */
class LiveSocketAuthIT {
  private static TestCluster cluster;
  private static Vertx vertx;
  private static TestDatabase db;
  private static TestNode a;
  private static TestNode b;
  private static ApiClient api;

  @BeforeAll
  static void start() {
    cluster = TestCluster.nodes(2, new JsonObject().put("auth", new JsonObject().put("accessTokenTtlSeconds", 5).put("clockSkewSeconds", 0)));
    vertx = cluster.vertx();
    db = cluster.db();
    a = cluster.node(0);
    b = cluster.node(1);
    api = new ApiClient(a.port());
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }


  private static String login(String email) {
    return api.send("POST", "/v1/auth/login", null, new JsonObject().put("email", email).put("password", "long enough pw").encode())
        .json().getString("accessToken");
  }

  private static String register(String email) {
    return api.send("POST", "/v1/auth/register", null, new JsonObject().put("email", email).put("password", "long enough pw").encode())
        .json().getString("accessToken");
  }

  @Test
  void anExpiringTokenIsWarnedRenewedThenExpires() throws Exception {
    String email = "exp-" + System.nanoTime() + "@example.test";
    String token = register(email);
    try (WsClient ws = WsClient.connect(vertx, a.port(), token)) {
      JsonObject warning = ws.awaitType("token_expiring");
      assertThat(warning.getLong("expiresAt")).isGreaterThan(System.currentTimeMillis() / 1000 - 1);
      Thread.sleep(1500);
      ws.send(new JsonObject().put("type", "auth").put("id", "renew").put("token", login(email)));
      JsonObject renewed = ws.awaitType("authenticated");
      assertThat(renewed.getLong("expiresAt")).isGreaterThan(warning.getLong("expiresAt"));
      // exp has whole seconds, so a 5 s token lives 4 to 5 s: wait past the first one's expiry only.
      long firstExpiry = warning.getLong("expiresAt") * 1000;
      Thread.sleep(Math.max(0, firstExpiry - System.currentTimeMillis()) + 300);
      assertThat(System.currentTimeMillis()).isLessThan(renewed.getLong("expiresAt") * 1000);
      assertThat(ws.isClosed()).as("the renewal kept the socket open past the first token's expiry").isFalse();
      assertThat(ws.closeCode(5)).as("then the renewed token expires too").isEqualTo((short) 4001);
    }
  }

  @Test
  void theSameTokenPresentedAgainIsNotWarnedAboutAgain() {
    String token = register("same-" + System.nanoTime() + "@example.test");
    try (WsClient ws = WsClient.connect(vertx, a.port(), token)) {
      ws.awaitType("token_expiring");
      // A client whose token provider cannot refresh yet: warning it again would only start a loop.
      ws.send(new JsonObject().put("type", "auth").put("id", "again").put("token", token));
      assertThat(ws.awaitType("authenticated").getString("id")).isEqualTo("again");
      assertThat(ws.drain(500)).noneMatch(f -> "token_expiring".equals(f.getString("type")));
    }
  }

  @Test
  void anAuthFrameForAnotherUserCloses1008() {
    String first = register("one-" + System.nanoTime() + "@example.test");
    String second = register("two-" + System.nanoTime() + "@example.test");
    try (WsClient ws = WsClient.connect(vertx, a.port(), first)) {
      ws.send(new JsonObject().put("type", "auth").put("token", second));
      assertThat(ws.closeCode(5)).isEqualTo((short) 1008);
    }
  }

  @Test
  void removingAMemberEndsItsLiveSubscriptionOnEveryNode() {
    ApiClient viaA = new ApiClient(a.port());
    Account owner = viaA.register();
    Account member = viaA.register();
    String space = "rm-" + System.nanoTime();
    viaA.createSpace(owner, space);
    viaA.addMember(owner, space, member.userId(), "reader");
    try (WsClient onB = WsClient.connect(vertx, b.port(), member.token())) {
      onB.send(new JsonObject().put("type", "subscribe").put("space", space).put("since", 0));
      onB.awaitType("synced");
      assertThat(viaA.send("DELETE", "/v1/spaces/" + space + "/members/" + member.userId(), owner.token(), null).status())
          .isEqualTo(204);
      JsonObject ended = onB.awaitType("error");
      assertThat(ended.getString("code")).isEqualTo("forbidden");
      assertThat(ended.getString("space")).isEqualTo(space);
      viaA.put(owner, space, "c", "secret", new JsonObject().put("after", "removal"));
      assertThat(onB.drain(500)).as("nothing written after the removal reaches the removed member").isEmpty();
      onB.send(new JsonObject().put("type", "subscribe").put("space", space).put("since", 0));
      assertThat(onB.next().getString("code")).isEqualTo("forbidden");
    }
  }

  @Test
  void cachedRolesAreForgottenOnEveryNodeWhenMembershipChanges() {
    ApiClient viaA = new ApiClient(a.port());
    ApiClient viaB = new ApiClient(b.port());
    Account owner = viaA.register();
    Account member = viaA.register();
    String space = "cache-" + System.nanoTime();
    // Node B caches "not a member" before the space even exists, then "writer".
    assertThat(viaB.send("GET", "/v1/spaces/" + space, member.token(), null).status()).isEqualTo(403);
    viaA.createSpace(owner, space);
    viaA.addMember(owner, space, member.userId(), "writer");
    awaitStatus(viaB, space, member, 200);
    for (int i = 0; i < 5; i++) {
      assertThat(viaB.send("GET", "/v1/spaces/" + space, member.token(), null).status()).isEqualTo(200);
    }
    // Demoted and removed through node A: node B must stop granting at once (no TTL wait).
    viaA.addMember(owner, space, member.userId(), "reader");
    awaitRole(viaB, space, member, "reader");
    assertThat(viaB.put(member, space, "c", "d", new JsonObject()).status()).isEqualTo(403);
    viaA.send("DELETE", "/v1/spaces/" + space + "/members/" + member.userId(), owner.token(), null);
    awaitStatus(viaB, space, member, 403);
  }

  private static void awaitStatus(ApiClient api, String space, Account who, int status) {
    long deadline = System.currentTimeMillis() + 2000;
    while (api.send("GET", "/v1/spaces/" + space, who.token(), null).status() != status) {
      assertThat(System.currentTimeMillis()).as("status %d within 2 s", status).isLessThan(deadline);
    }
  }

  private static void awaitRole(ApiClient api, String space, Account who, String role) {
    long deadline = System.currentTimeMillis() + 2000;
    while (!role.equals(api.send("GET", "/v1/spaces/" + space, who.token(), null).json().getString("role"))) {
      assertThat(System.currentTimeMillis()).as("role %s within 2 s", role).isLessThan(deadline);
    }
  }
}
