package io.tether.suites.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.support.ApiClient;
import io.tether.support.ApiClient.Account;
import io.tether.support.ApiClient.Response;
import io.tether.support.Await;
import io.tether.support.TestCluster;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Issue 19: invitations by link and for one email; every refusal says which. */
class InvitesIT {
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
    String id = "inv-" + System.nanoTime();
    assertThat(api.createSpace(owner, id).status()).isEqualTo(201);
    return id;
  }

  private static Response invite(Account who, String space, String body) {
    return api.send("POST", "/v1/spaces/" + space + "/invites", who.token(), body);
  }

  private static Response accept(Account who, String code) {
    return api.send("POST", "/v1/invites/" + code + "/accept", who.token(), null);
  }

  @Test
  void aLinkInviteAdmitsUpToMaxUsesThenSaysItIsUsedUp() {
    Account owner = api.register();
    String space = space(owner);
    Response made = invite(owner, space, "{\"role\":\"writer\",\"maxUses\":2}");
    assertThat(made.status()).as(made.body()).isEqualTo(201);
    String code = made.json().getString("code");
    assertThat(code).hasSize(43);
    assertThat(made.json().getString("url")).endsWith("/demo/#invite=" + code).startsWith("http://");
    assertThat(made.json().getString("id")).startsWith("inv_");

    Account bob = api.register();
    Account carol = api.register();
    Account dave = api.register();
    assertThat(api.send("GET", "/v1/spaces/" + space, bob.token(), null).status()).isEqualTo(403);
    JsonObject joined = accept(bob, code).json();
    assertThat(joined.getString("space")).isEqualTo(space);
    assertThat(joined.getString("role")).isEqualTo("writer");
    assertThat(joined.getBoolean("joined")).isTrue();
    assertThat(api.send("GET", "/v1/spaces/" + space, bob.token(), null).json().getString("role")).as("the cached refusal is gone")
        .isEqualTo("writer");
    assertThat(accept(bob, code).json().getBoolean("joined")).as("a member again uses nothing").isFalse();
    assertThat(accept(carol, code).status()).isEqualTo(200);
    Response usedUp = accept(dave, code);
    assertThat(usedUp.status()).isEqualTo(410);
    assertThat(usedUp.errorCode()).isEqualTo("invite_used_up");
    assertThat(api.send("GET", "/v1/spaces/" + space, dave.token(), null).status()).isEqualTo(403);

    JsonObject listed = api.send("GET", "/v1/spaces/" + space + "/invites", owner.token(), null).json().getJsonArray("invites")
        .getJsonObject(0);
    assertThat(listed.getInteger("uses")).isEqualTo(2);
    assertThat(listed.containsKey("code")).as("a code is shown once").isFalse();
    assertThat(listed.encode()).doesNotContain(code);
  }

  @Test
  void revokedAndExpiredInvitesSayWhich() {
    Account owner = api.register();
    String space = space(owner);
    JsonObject revoked = invite(owner, space, "{\"role\":\"reader\"}").json();
    assertThat(api.send("DELETE", "/v1/spaces/" + space + "/invites/" + revoked.getString("id"), owner.token(), null).status())
        .isEqualTo(204);
    Response r = accept(api.register(), revoked.getString("code"));
    assertThat(r.status()).isEqualTo(410);
    assertThat(r.errorCode()).isEqualTo("invite_revoked");
    assertThat(api.send("DELETE", "/v1/spaces/" + space + "/invites/inv_nope", owner.token(), null).status()).isEqualTo(404);

    JsonObject expiring = invite(owner, space, "{\"role\":\"reader\",\"expiresInHours\":1}").json();
    // An hour is the shortest life: move its end into the past in the database rather than wait.
    Await.result(cluster.db().pool().preparedQuery("UPDATE invites SET expires_at = now() - interval '1 second' WHERE id = $1")
        .execute(Tuple.of(expiring.getString("id"))), 10);
    Response e = accept(api.register(), expiring.getString("code"));
    assertThat(e.status()).isEqualTo(410);
    assertThat(e.errorCode()).isEqualTo("invite_expired");
  }

  @Test
  void anEmailInviteAdmitsOnlyThatAccount() {
    Account owner = api.register();
    String space = space(owner);
    String email = "invited-" + UUID.randomUUID() + "@example.test";
    String code = invite(owner, space, "{\"role\":\"writer\",\"email\":\"" + email.toUpperCase() + "\"}").json().getString("code");
    Response other = accept(api.register(), code);
    assertThat(other.status()).isEqualTo(403);
    assertThat(other.errorCode()).isEqualTo("forbidden");
    Response registered = api.send("POST", "/v1/auth/register", null,
        new JsonObject().put("email", email).put("password", "correct horse battery").encode());
    Account invited = new Account(registered.json().getString("userId"), registered.json().getString("accessToken"));
    Response unverified = accept(invited, code);
    assertThat(unverified.status()).as("the address is not proven yet").isEqualTo(403);
    assertThat(unverified.body()).contains("verified email");
    // The verification email's link is tested in AccountEmailsIT; here the address is marked verified directly.
    cluster.db().pool().preparedQuery("UPDATE users SET email_verified_at = now() WHERE id = $1")
        .execute(io.vertx.sqlclient.Tuple.of(invited.userId())).toCompletionStage().toCompletableFuture().join();
    assertThat(accept(invited, code).json().getString("role")).isEqualTo("writer");
  }

  @Test
  void onlyOwnersInviteAndBadInvitesAreRefused() {
    Account owner = api.register();
    Account writer = api.register();
    String space = space(owner);
    assertThat(api.addMember(owner, space, writer.userId(), "writer").status()).isEqualTo(200);
    assertThat(invite(writer, space, "{\"role\":\"writer\"}").status()).isEqualTo(403);
    assertThat(api.send("GET", "/v1/spaces/" + space + "/invites", writer.token(), null).status()).isEqualTo(403);
    for (String bad : List.of("{}", "{\"role\":\"admin\"}", "{\"role\":\"writer\",\"maxUses\":0}",
        "{\"role\":\"writer\",\"maxUses\":1001}", "{\"role\":\"writer\",\"expiresInHours\":721}",
        "{\"role\":\"writer\",\"email\":\"not-an-email\"}", "{\"role\":\"writer\",\"colour\":\"red\"}", "[]")) {
      Response refused = invite(owner, space, bad);
      assertThat(refused.status()).as(bad).isEqualTo(400);
      assertThat(refused.errorCode()).as(bad).isEqualTo("bad_request");
    }
    Account anyone = api.register();
    assertThat(accept(anyone, "short").status()).isEqualTo(404);
    assertThat(accept(anyone, "A".repeat(43)).status()).as("a well-formed code nobody issued").isEqualTo(404);
    assertThat(api.send("POST", "/v1/invites/" + "A".repeat(43) + "/accept", null, null).status()).isEqualTo(401);
  }
}
