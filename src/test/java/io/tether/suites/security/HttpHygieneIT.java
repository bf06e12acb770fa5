package io.tether.suites.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.support.ApiClient;
import io.tether.support.RefusedUpgrades;
import io.tether.support.ApiClient.Account;
import io.tether.support.ApiClient.Response;
import io.tether.support.TestCluster;
import io.tether.support.WsClient;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** CORS and socket Origin allow-lists, and the security headers every response carries. */
class HttpHygieneIT {
  private static final String APP = "https://app.example.test";

  private static TestCluster cluster;
  private static ApiClient api;

  @BeforeAll
  static void start() {
    cluster = TestCluster.single(new JsonObject()
        .put("http", new JsonObject().put("corsOrigins", APP))
        .put("sync", new JsonObject().put("allowedOrigins", APP)));
    api = cluster.api();
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }


  @Test
  void everyResponseCarriesSecurityHeaders() {
    for (Response r : new Response[] {api.send("GET", "/health/live", null, null), api.send("GET", "/nope", null, null),
        api.send("GET", "/v1/spaces/x", null, null), api.send("POST", "/v1/auth/login", null, "{bad")}) {
      assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
      assertThat(r.header("X-Frame-Options")).isEqualTo("DENY");
      assertThat(r.header("Content-Security-Policy")).contains("default-src 'none'");
      assertThat(r.header("Cache-Control")).isEqualTo("no-store");
      assertThat(r.header("Referrer-Policy")).isEqualTo("no-referrer");
    }
  }

  @Test
  void corsAnswersAllowedOriginsOnly() {
    Response allowed = api.send("OPTIONS", "/v1/spaces/x", null, null, "Origin", APP,
        "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "authorization,if-match");
    assertThat(allowed.status()).isIn(200, 204);
    assertThat(allowed.header("Access-Control-Allow-Origin")).isEqualTo(APP);
    assertThat(allowed.header("Access-Control-Allow-Methods")).contains("PUT");
    Response simple = api.send("GET", "/health/live", null, null, "Origin", APP);
    assertThat(simple.header("Access-Control-Allow-Origin")).isEqualTo(APP);

    Response refused = api.send("OPTIONS", "/v1/spaces/x", null, null, "Origin", "https://evil.test",
        "Access-Control-Request-Method", "PUT");
    assertThat(refused.header("Access-Control-Allow-Origin")).isNull();
    assertThat(refused.status()).isEqualTo(403);
  }

  @Test
  void socketsFromForeignOriginsAreRefused() {
    Account user = api.register();
    UpgradeRejectedException refused = RefusedUpgrades.refusal(cluster.vertx(), new WebSocketConnectOptions().setHost("127.0.0.1")
        .setPort(cluster.node().port()).setURI("/v1/sync").addHeader("Origin", "https://evil.test")
        .addHeader("Authorization", "Bearer " + user.token()));
    assertThat(refused.getStatus()).isEqualTo(403);
    try (WsClient fromApp = WsClient.connect(cluster.vertx(), new WebSocketConnectOptions().setHost("127.0.0.1").setPort(cluster.node().port())
        .setURI("/v1/sync").addHeader("Origin", APP).addHeader("Authorization", "Bearer " + user.token()))) {
      fromApp.send(new JsonObject().put("type", "ping"));
      assertThat(fromApp.next().getString("type")).isEqualTo("pong");
    }
    // Native apps send no Origin at all.
    try (WsClient nativeApp = WsClient.connect(cluster.vertx(), cluster.node().port(), user.token())) {
      nativeApp.send(new JsonObject().put("type", "ping"));
      assertThat(nativeApp.next().getString("type")).isEqualTo("pong");
    }
  }
}
