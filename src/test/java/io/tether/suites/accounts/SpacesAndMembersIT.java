package io.tether.suites.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.support.ApiClient;
import io.tether.support.ApiClient.Account;
import io.tether.support.ApiClient.Response;
import io.tether.support.TestCluster;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Issue 19, first part: my spaces, a space's members, leaving, and the profile of /v1/me. */
class SpacesAndMembersIT {
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
    String id = "acc-" + System.nanoTime();
    assertThat(api.createSpace(owner, id).status()).isEqualTo(201);
    return id;
  }

  private static List<String> mySpaceIds(Account who, int limit) {
    List<String> ids = new ArrayList<>();
    String next = null;
    do {
      Response page = api.send("GET", "/v1/spaces?limit=" + limit + (next == null ? "" : "&after=" + next), who.token(), null);
      assertThat(page.status()).as(page.body()).isEqualTo(200);
      JsonArray spaces = page.json().getJsonArray("spaces");
      assertThat(spaces.size()).isLessThanOrEqualTo(limit);
      spaces.forEach(s -> ids.add(((JsonObject) s).getString("id")));
      next = page.json().getString("next");
    } while (next != null);
    return ids;
  }

  @Test
  void mySpacesArePagedByRecentActivityWithRoleAndHead() {
    Account ann = api.register();
    Account bob = api.register();
    String a = space(ann);
    String b = space(ann);
    String c = space(bob);
    assertThat(api.addMember(bob, c, ann.userId(), "reader").status()).isEqualTo(200);
    assertThat(api.put(ann, a, "notes", "n1", new JsonObject().put("x", 1)).status()).isEqualTo(201);
    // a changed last, then c was created (and ann joined), then b: a, c, b.
    assertThat(mySpaceIds(ann, 2)).containsExactly(a, c, b);
    assertThat(mySpaceIds(ann, 100)).containsExactly(a, c, b);
    JsonObject first = api.send("GET", "/v1/spaces", ann.token(), null).json().getJsonArray("spaces").getJsonObject(0);
    assertThat(first.getString("role")).isEqualTo("owner");
    assertThat(first.getLong("seq")).isEqualTo(1);
    assertThat(first.getString("epoch")).isNotBlank();
    assertThat(first.getString("changedAt")).endsWith("Z");
    assertThat(mySpaceIds(bob, 10)).containsExactly(c);

    assertThat(api.send("GET", "/v1/spaces?after=garbage!", ann.token(), null).status()).isEqualTo(400);
    assertThat(api.send("GET", "/v1/spaces?limit=0", ann.token(), null).status()).isEqualTo(400);
    assertThat(api.send("GET", "/v1/spaces", null, null).status()).isEqualTo(401);
  }

  @Test
  void membersAreListedWithRolesAndDisplayNamesToMembersOnly() {
    Account owner = api.register();
    Account ann = api.register();
    Account eve = api.register();
    String id = space(owner);
    assertThat(api.addMember(owner, id, ann.userId(), "writer").status()).isEqualTo(200);
    assertThat(api.send("PATCH", "/v1/me", ann.token(), "{\"displayName\":\"Ann Example\"}").status()).isEqualTo(200);

    List<JsonObject> members = new ArrayList<>();
    String next = null;
    do {
      Response page = api.send("GET", "/v1/spaces/" + id + "/members?limit=1" + (next == null ? "" : "&after=" + next),
          ann.token(), null);
      assertThat(page.status()).as(page.body()).isEqualTo(200);
      page.json().getJsonArray("members").forEach(m -> members.add((JsonObject) m));
      next = page.json().getString("next");
    } while (next != null);
    assertThat(members).extracting(m -> m.getString("userId")).containsExactlyInAnyOrder(owner.userId(), ann.userId());
    JsonObject annRow = members.stream().filter(m -> m.getString("userId").equals(ann.userId())).findFirst().orElseThrow();
    assertThat(annRow.getString("role")).isEqualTo("writer");
    assertThat(annRow.getString("displayName")).isEqualTo("Ann Example");
    assertThat(annRow.getString("addedAt")).isNotBlank();

    Response outsider = api.send("GET", "/v1/spaces/" + id + "/members", eve.token(), null);
    assertThat(outsider.status()).isEqualTo(403);
    assertThat(outsider.errorCode()).isEqualTo("forbidden");
  }

  @Test
  void aMemberLeavesButTheLastOwnerCannot() {
    Account owner = api.register();
    Account ann = api.register();
    String id = space(owner);
    assertThat(api.addMember(owner, id, ann.userId(), "writer").status()).isEqualTo(200);
    assertThat(api.send("DELETE", "/v1/spaces/" + id + "/members/me", ann.token(), null).status()).isEqualTo(204);
    assertThat(mySpaceIds(ann, 10)).doesNotContain(id);
    assertThat(api.send("GET", "/v1/spaces/" + id, ann.token(), null).status()).isEqualTo(403);

    Response last = api.send("DELETE", "/v1/spaces/" + id + "/members/me", owner.token(), null);
    assertThat(last.status()).isEqualTo(409);
    assertThat(last.errorCode()).isEqualTo("conflict");
    assertThat(mySpaceIds(owner, 10)).contains(id);
  }

  @Test
  void theProfileIsReadPatchedAndChecked() {
    Account ann = api.register();
    JsonObject me = api.send("GET", "/v1/me", ann.token(), null).json();
    assertThat(me.getString("userId")).isEqualTo(ann.userId());
    assertThat(me.getString("email")).contains("@");
    assertThat(me.getValue("displayName")).isNull();

    Response patched = api.send("PATCH", "/v1/me", ann.token(),
        "{\"displayName\":\"  Ann  \",\"avatarUrl\":\"https://cdn.example.com/a.png\",\"locale\":\"de-CH\"}");
    assertThat(patched.status()).as(patched.body()).isEqualTo(200);
    assertThat(patched.json().getString("displayName")).isEqualTo("Ann");
    assertThat(patched.json().getString("locale")).isEqualTo("de-CH");
    // A field left out is kept; null clears one.
    JsonObject cleared = api.send("PATCH", "/v1/me", ann.token(), "{\"locale\":null}").json();
    assertThat(cleared.getString("displayName")).isEqualTo("Ann");
    assertThat(cleared.getValue("locale")).isNull();
    assertThat(api.send("GET", "/v1/me", ann.token(), null).json().getString("avatarUrl")).isEqualTo("https://cdn.example.com/a.png");

    for (String bad : List.of("{\"nickname\":\"x\"}", "{\"displayName\":\"\"}", "{\"displayName\":\"" + "x".repeat(101) + "\"}",
        "{\"displayName\":\"a\\u0000b\"}", "{\"avatarUrl\":\"http://cdn.example.com/a.png\"}", "{\"avatarUrl\":\"javascript:alert(1)\"}",
        "{\"locale\":\"not a locale\"}", "{\"displayName\":7}", "[1]")) {
      Response refused = api.send("PATCH", "/v1/me", ann.token(), bad);
      assertThat(refused.status()).as(bad).isEqualTo(400);
      assertThat(refused.errorCode()).as(bad).isEqualTo("bad_request");
    }
    assertThat(api.send("GET", "/v1/me", ann.token(), null).json().getString("displayName")).isEqualTo("Ann");
    assertThat(api.send("GET", "/v1/me", null, null).status()).isEqualTo(401);
    assertThat(api.send("PATCH", "/v1/me", "not-a-token", "{}").status()).isEqualTo(401);
  }

  @Test
  void graphQLAnswersMySpacesMembersAndMe() {
    Account owner = api.register();
    Account eve = api.register();
    String id = space(owner);
    assertThat(api.send("PATCH", "/v1/me", owner.token(), "{\"displayName\":\"Olga\"}").status()).isEqualTo(200);
    String query = """
        query($space: ID!) {
          me { userId displayName }
          spaces(limit: 10) { spaces { id role seq } next }
          members(space: $space) { members { userId role displayName } next }
        }""";
    Response answer = api.send("POST", "/graphql", owner.token(),
        new JsonObject().put("query", query).put("variables", new JsonObject().put("space", id)).encode());
    assertThat(answer.json().getJsonArray("errors")).as(answer.body()).isNull();
    JsonObject data = answer.json().getJsonObject("data");
    assertThat(data.getJsonObject("me").getString("displayName")).isEqualTo("Olga");
    assertThat(data.getJsonObject("spaces").getJsonArray("spaces").getJsonObject(0).getString("id")).isEqualTo(id);
    assertThat(data.getJsonObject("members").getJsonArray("members").getJsonObject(0).getString("displayName")).isEqualTo("Olga");

    Response outsider = api.send("POST", "/graphql", eve.token(), new JsonObject()
        .put("query", "query($space: ID!) { members(space: $space) { members { userId } } }")
        .put("variables", new JsonObject().put("space", id)).encode());
    assertThat(outsider.json().getJsonArray("errors").getJsonObject(0).getJsonObject("extensions").getString("code"))
        .isEqualTo("forbidden");
    Response badLimit = api.send("POST", "/graphql", eve.token(), new JsonObject()
        .put("query", "{ spaces(limit: 1000) { next } }").encode());
    assertThat(badLimit.json().getJsonArray("errors").getJsonObject(0).getJsonObject("extensions").getString("code"))
        .isEqualTo("bad_request");
  }
}
