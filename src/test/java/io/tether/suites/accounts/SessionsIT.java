package io.tether.suites.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.support.ApiClient;
import io.tether.support.ApiClient.Response;
import io.tether.support.TestCluster;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Issue 19: the sign-ins of an account (sessions), ending them, and changing the password. */
class SessionsIT {
  private static final String PASSWORD = "correct horse battery";
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

  private static JsonObject signIn(String path, String email, String password, String device) {
    JsonObject body = new JsonObject().put("email", email).put("password", password);
    if (device != null) {
      body.put("device", device);
    }
    Response r = api.send("POST", path, null, body.encode());
    assertThat(r.status()).as(r.body()).isBetween(200, 201);
    return r.json();
  }

  private static JsonArray sessions(String accessToken) {
    Response r = api.send("GET", "/v1/me/sessions", accessToken, null);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json().getJsonArray("sessions");
  }

  private static Response refresh(String refreshToken) {
    return api.send("POST", "/v1/auth/refresh", null, new JsonObject().put("refreshToken", refreshToken).encode());
  }

  @Test
  void sessionsAreListedAndEndedOneOrAllOthers() {
    String email = "s-" + UUID.randomUUID() + "@example.test";
    JsonObject phone = signIn("/v1/auth/register", email, PASSWORD, "Ann's iPhone");
    JsonObject laptop = signIn("/v1/auth/login", email, PASSWORD, null);
    JsonObject tablet = signIn("/v1/auth/login", email, PASSWORD, "Tablet\u0007 with a bell");

    JsonArray listed = sessions(phone.getString("accessToken"));
    assertThat(listed).hasSize(3);
    assertThat(listed.stream().map(s -> ((JsonObject) s).getString("label")).toList())
        .contains("Ann's iPhone", "Tablet with a bell").anyMatch(label -> label != null && label.startsWith("Java-http-client"));
    assertThat(listed.stream().filter(s -> ((JsonObject) s).getBoolean("current")).count()).isEqualTo(1);
    assertThat(listed.encode()).doesNotContain(phone.getString("refreshToken")).doesNotContain(phone.getString("accessToken"));
    String phoneId = listed.stream().map(s -> (JsonObject) s).filter(s -> s.getBoolean("current")).findFirst().orElseThrow()
        .getString("id");

    // A refresh keeps the sign-in: the same session, still the current one for its new access token.
    JsonObject refreshed = refresh(phone.getString("refreshToken")).json();
    JsonArray after = sessions(refreshed.getString("accessToken"));
    assertThat(after).hasSize(3);
    assertThat(after.stream().map(s -> (JsonObject) s).filter(s -> s.getBoolean("current")).findFirst().orElseThrow()
        .getString("id")).isEqualTo(phoneId);

    // End the laptop's sign-in from the phone: its refresh token stops working.
    String laptopId = sessions(laptop.getString("accessToken")).stream().map(s -> (JsonObject) s)
        .filter(s -> s.getBoolean("current")).findFirst().orElseThrow().getString("id");
    assertThat(api.send("DELETE", "/v1/me/sessions/" + laptopId, refreshed.getString("accessToken"), null).status()).isEqualTo(204);
    assertThat(refresh(laptop.getString("refreshToken")).status()).isEqualTo(401);
    assertThat(api.send("DELETE", "/v1/me/sessions/" + laptopId, refreshed.getString("accessToken"), null).status()).isEqualTo(404);
    // Nobody ends another user's sign-in, even knowing its id.
    ApiClient.Account eve = api.register();
    assertThat(api.send("DELETE", "/v1/me/sessions/" + phoneId, eve.token(), null).status()).isEqualTo(404);

    // "Sign out everywhere else": only the phone is left, and the tablet cannot refresh.
    assertThat(api.send("DELETE", "/v1/me/sessions", refreshed.getString("accessToken"), null).status()).isEqualTo(204);
    assertThat(sessions(refreshed.getString("accessToken"))).hasSize(1);
    assertThat(refresh(tablet.getString("refreshToken")).status()).isEqualTo(401);
    assertThat(refresh(refreshed.getString("refreshToken")).status()).isEqualTo(200);
    assertThat(api.send("GET", "/v1/me/sessions", null, null).status()).isEqualTo(401);
  }

  @Test
  void changingThePasswordChecksTheOldOneAndEndsEveryOtherSession() {
    String email = "p-" + UUID.randomUUID() + "@example.test";
    JsonObject here = signIn("/v1/auth/register", email, PASSWORD, "here");
    JsonObject elsewhere = signIn("/v1/auth/login", email, PASSWORD, "elsewhere");
    String token = here.getString("accessToken");

    Response wrong = api.send("POST", "/v1/me/password", token,
        new JsonObject().put("currentPassword", "not it at all").put("newPassword", "a new long password").encode());
    assertThat(wrong.status()).isEqualTo(403);
    assertThat(wrong.errorCode()).isEqualTo("forbidden");
    Response weak = api.send("POST", "/v1/me/password", token,
        new JsonObject().put("currentPassword", PASSWORD).put("newPassword", "short").encode());
    assertThat(weak.status()).isEqualTo(400);
    assertThat(api.send("POST", "/v1/me/password", token, "{\"newPassword\":\"a new long password\"}").status()).isEqualTo(400);
    assertThat(refresh(elsewhere.getString("refreshToken")).status()).as("refusals change nothing").isEqualTo(200);

    JsonObject elsewhereAgain = signIn("/v1/auth/login", email, PASSWORD, "elsewhere again");
    Response changed = api.send("POST", "/v1/me/password", token,
        new JsonObject().put("currentPassword", PASSWORD).put("newPassword", "a new long password").encode());
    assertThat(changed.status()).as(changed.body()).isEqualTo(204);
    assertThat(refresh(elsewhereAgain.getString("refreshToken")).status()).as("the other sign-in ended").isEqualTo(401);
    assertThat(refresh(here.getString("refreshToken")).status()).as("this one goes on").isEqualTo(200);
    assertThat(api.send("POST", "/v1/auth/login", null, new JsonObject().put("email", email).put("password", PASSWORD).encode())
        .status()).isEqualTo(401);
    signIn("/v1/auth/login", email, "a new long password", null);
  }
}
