package io.tether.suites.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.support.ApiClient;
import io.tether.support.ApiClient.Account;
import io.tether.support.ApiClient.Response;
import io.tether.support.Await;
import io.tether.support.TestDatabase;
import io.tether.support.TestNode;
import io.tether.support.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Rate limits on two nodes sharing Redis: per user across both nodes, sign-ins per account, sockets per user. */
class RateLimitIT {
  private static Vertx vertx;
  private static TestDatabase db;
  private static TestNode a;
  private static TestNode b;
  /** Registers the test's users without spending the sign-in budget of the nodes under test. */
  private static TestNode registrar;
  private static ApiClient accounts;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    db = TestDatabase.create(vertx);
    String prefix = "tether-limit-" + UUID.randomUUID() + ":";
    JsonObject tight = new JsonObject()
        .put("limits", new JsonObject().put("userRequestsPerSecond", 1).put("userBurst", 10)
            .put("loginAttemptsPerMinute", 3))
        .put("sync", new JsonObject().put("maxConnectionsPerUser", 2));
    a = TestNode.start(db, prefix, tight);
    b = TestNode.start(db, prefix, tight);
    registrar = TestNode.start(db, "tether-registrar-" + UUID.randomUUID() + ":", new JsonObject());
    accounts = new ApiClient(registrar.port());
  }

  @AfterAll
  static void stop() {
    a.close();
    b.close();
    registrar.close();
    db.close();
    Await.result(vertx.close());
  }

  @Test
  void aUsersBudgetIsSharedByEveryNodeAndRefusalsSayWhenToRetry() {
    ApiClient viaA = new ApiClient(a.port());
    ApiClient viaB = new ApiClient(b.port());
    Account user = accounts.register();
    int allowed = 0;
    Response refused = null;
    for (int i = 0; i < 16; i++) {
      Response r = (i % 2 == 0 ? viaA : viaB).send("GET", "/v1/spaces/nowhere", user.token(), null);
      if (r.status() == 429) {
        refused = r;
      } else {
        allowed++;
      }
    }
    // A burst of 10, whichever node serves it (plus a token or two refilled at 1/s if the machine is slow).
    assertThat(allowed).isBetween(10, 12);
    assertThat(refused.errorCode()).isEqualTo("rate_limited");
    assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, 2L);
    assertThat(refused.json().getLong("retryAfter")).isPositive();
    // Someone else is not affected.
    Account other = accounts.register();
    assertThat(viaB.send("GET", "/v1/spaces/nowhere", other.token(), null).status()).isEqualTo(403);
  }

  @Test
  void framesCountTooAndAFloodingSocketIsClosed4029() {
    ApiClient viaA = new ApiClient(a.port());
    Account user = accounts.register();
    try (WsClient ws = WsClient.connect(vertx, a.port(), user.token())) {
      for (int i = 0; i < 30; i++) {
        // The server may close before all are written: those writes fail, which is the point.
        ws.socket().writeTextMessage(new JsonObject().put("type", "ping").put("id", i).encode());
      }
      JsonObject error = ws.awaitType("error");
      assertThat(error.getString("code")).isEqualTo("rate_limited");
      assertThat(ws.closeCode(5)).isEqualTo((short) 4029);
    }
  }

  @Test
  void signInsAreThrottledPerAccount() {
    ApiClient viaA = new ApiClient(a.port());
    String email = "target-" + System.nanoTime() + "@example.test";
    accounts.send("POST", "/v1/auth/register", null, new JsonObject().put("email", email).put("password", "the real one").encode());
    int refusedWrong = 0;
    for (int i = 0; i < 5; i++) {
      Response r = (i % 2 == 0 ? viaA : new ApiClient(b.port())).send("POST", "/v1/auth/login", null,
          new JsonObject().put("email", email).put("password", "guess " + i).encode());
      if (r.status() == 429) {
        refusedWrong++;
        assertThat(r.header("Retry-After")).isNotNull();
      } else {
        assertThat(r.status()).isEqualTo(401);
      }
    }
    assertThat(refusedWrong).as("3 attempts per minute per account").isEqualTo(2);
    Response evenTheRightPassword = viaA.send("POST", "/v1/auth/login", null,
        new JsonObject().put("email", email).put("password", "the real one").encode());
    assertThat(evenTheRightPassword.status()).isEqualTo(429);
  }

  @Test
  void aUserHoldsAtMostTheConfiguredSocketsPerNode() {
    ApiClient viaA = new ApiClient(a.port());
    Account user = accounts.register();
    try (WsClient first = WsClient.connect(vertx, a.port(), user.token());
         WsClient second = WsClient.connect(vertx, a.port(), user.token())) {
      Throwable third = Await.failure(vertx.createWebSocketClient().connect(new io.vertx.core.http.WebSocketConnectOptions()
          .setHost("127.0.0.1").setPort(a.port()).setURI("/v1/sync").addHeader("Authorization", "Bearer " + user.token())));
      assertThat(((io.vertx.core.http.UpgradeRejectedException) third).getStatus()).isEqualTo(429);
      try (WsClient byFrame = WsClient.connect(vertx, a.port(), null)) {
        byFrame.send(new JsonObject().put("type", "auth").put("token", user.token()));
        assertThat(byFrame.closeCode(5)).isEqualTo((short) 4029);
      }
      assertThat(first.isClosed()).isFalse();
      assertThat(second.isClosed()).isFalse();
    }
  }
}
