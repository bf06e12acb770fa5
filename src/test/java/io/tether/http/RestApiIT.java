package io.tether.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.support.ApiClient;
import io.tether.support.ApiClient.Account;
import io.tether.support.ApiClient.Response;
import io.tether.support.TestCluster;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every REST route against a real node and a real PostgreSQL: happy paths and error paths. */
class RestApiIT {
  private static TestCluster cluster;
  private static ApiClient api;

  @BeforeAll
  static void start() {
    cluster = TestCluster.single(new JsonObject().put("limits", new JsonObject().put("maxDocumentBytes", 4096)));
    api = cluster.api();
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }


  @Test
  void registerAndLogin() {
    Response r = api.send("POST", "/v1/auth/register", null, "{\"email\":\"Ann@Example.test\",\"password\":\"long enough pw\"}");
    assertThat(r.status()).isEqualTo(201);
    assertThat(r.json().getString("userId")).isNotBlank();
    assertThat(r.json().getString("accessToken")).isNotBlank();
    assertThat(r.json().getInteger("expiresIn")).isEqualTo(900);

    Response again = api.send("POST", "/v1/auth/register", null, "{\"email\":\"ann@example.test\",\"password\":\"other pw 123\"}");
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.errorCode()).isEqualTo("conflict");

    Response login = api.send("POST", "/v1/auth/login", null, "{\"email\":\"ANN@example.test\",\"password\":\"long enough pw\"}");
    assertThat(login.status()).isEqualTo(200);
    assertThat(login.json().getString("userId")).isEqualTo(r.json().getString("userId"));

    Response wrong = api.send("POST", "/v1/auth/login", null, "{\"email\":\"ann@example.test\",\"password\":\"wrong password\"}");
    Response unknown = api.send("POST", "/v1/auth/login", null, "{\"email\":\"nobody@example.test\",\"password\":\"wrong password\"}");
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(unknown.status()).isEqualTo(401);
    assertThat(unknown.body()).isEqualTo(wrong.body());
  }

  @Test
  void registrationValidatesInput() {
    assertThat(api.send("POST", "/v1/auth/register", null, "{\"email\":\"no-at-sign\",\"password\":\"long enough pw\"}").status())
        .isEqualTo(400);
    assertThat(api.send("POST", "/v1/auth/register", null, "{\"email\":\"a@b.test\",\"password\":\"short\"}").errorCode())
        .isEqualTo("bad_request");
    assertThat(api.send("POST", "/v1/auth/register", null, "{\"email\":").errorCode()).isEqualTo("bad_request");
    assertThat(api.send("POST", "/v1/auth/register", null, "[1,2]").status()).isEqualTo(400);
  }

  @Test
  void everyProtectedRouteNeedsAValidToken() {
    for (String[] route : new String[][] {{"PUT", "/v1/spaces/s1"}, {"GET", "/v1/spaces/s1"},
        {"GET", "/v1/spaces/s1/documents"}, {"GET", "/v1/spaces/s1/documents/c/d"}, {"PUT", "/v1/spaces/s1/documents/c/d"},
        {"PATCH", "/v1/spaces/s1/documents/c/d"}, {"DELETE", "/v1/spaces/s1/documents/c/d"},
        {"GET", "/v1/spaces/s1/changes"}, {"PUT", "/v1/spaces/s1/members/u"}, {"DELETE", "/v1/spaces/s1/members/u"}}) {
      Response none = api.send(route[0], route[1], null, null);
      assertThat(none.status()).as(route[0] + " " + route[1]).isEqualTo(401);
      assertThat(none.errorCode()).isEqualTo("unauthorized");
      Response forged = api.send(route[0], route[1], "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.bm90LWEtc2lnbmF0dXJl", null);
      assertThat(forged.status()).as(route[0] + " " + route[1]).isEqualTo(401);
    }
  }

  @Test
  void spacesAndMembers() {
    Account owner = api.register();
    Account other = api.register();
    String space = "team-" + System.nanoTime();

    Response created = api.createSpace(owner, space);
    assertThat(created.status()).isEqualTo(201);
    assertThat(created.json().getString("role")).isEqualTo("owner");
    assertThat(created.json().getLong("seq")).isZero();
    String epoch = created.json().getString("epoch");
    assertThat(api.createSpace(owner, space).status()).isEqualTo(200);
    assertThat(api.createSpace(other, space).status()).isEqualTo(403);

    Response info = api.send("GET", "/v1/spaces/" + space, owner.token(), null);
    assertThat(info.json().copy().put("createdAt", "t")).isEqualTo(new JsonObject().put("id", space).put("name", null)
        .put("seq", 0).put("epoch", epoch).put("role", "owner").put("createdAt", "t"));
    // A non-member cannot tell an existing space from a missing one.
    assertThat(api.send("GET", "/v1/spaces/" + space, other.token(), null).body())
        .isEqualTo(api.send("GET", "/v1/spaces/never-made-" + System.nanoTime(), other.token(), null).body());

    assertThat(api.addMember(other, space, other.userId(), "writer").status()).isEqualTo(403);
    assertThat(api.addMember(owner, space, other.userId(), "boss").status()).isEqualTo(400);
    assertThat(api.addMember(owner, space, "no-such-user", "writer").status()).isEqualTo(404);
    Response added = api.addMember(owner, space, other.userId(), "reader");
    assertThat(added.status()).isEqualTo(200);
    assertThat(api.send("GET", "/v1/spaces/" + space, other.token(), null).json().getString("role")).isEqualTo("reader");

    // Readers read but cannot write or manage.
    assertThat(api.put(other, space, "notes", "n1", new JsonObject().put("a", 1)).status()).isEqualTo(403);
    assertThat(api.addMember(other, space, other.userId(), "owner").status()).isEqualTo(403);

    // The last owner can neither be demoted nor removed.
    assertThat(api.addMember(owner, space, owner.userId(), "writer").status()).isEqualTo(409);
    assertThat(api.send("DELETE", "/v1/spaces/" + space + "/members/" + owner.userId(), owner.token(), null).status())
        .isEqualTo(409);

    assertThat(api.send("DELETE", "/v1/spaces/" + space + "/members/" + other.userId(), owner.token(), null).status())
        .isEqualTo(204);
    assertThat(api.send("DELETE", "/v1/spaces/" + space + "/members/" + other.userId(), owner.token(), null).status())
        .isEqualTo(404);
    assertThat(api.send("GET", "/v1/spaces/" + space, other.token(), null).status()).isEqualTo(403);

    assertThat(api.send("PUT", "/v1/spaces/bad%20name", owner.token(), null).status()).isEqualTo(400);
  }

  @Test
  void documentLifecycleWithPreconditions() {
    Account owner = api.register();
    String space = "docs-" + System.nanoTime();
    api.createSpace(owner, space);
    String doc = "/v1/spaces/" + space + "/documents/todos/t1";

    Response created = api.put(owner, space, "todos", "t1", new JsonObject().put("title", "milk").put("tags", new JsonArray().add("a")));
    assertThat(created.status()).isEqualTo(201);
    assertThat(created.json().getLong("seq")).isEqualTo(1);
    assertThat(created.json().getJsonObject("document").getLong("version")).isEqualTo(1);
    assertThat(created.header("ETag")).isEqualTo("\"1\"");

    Response got = api.send("GET", doc, owner.token(), null);
    assertThat(got.status()).isEqualTo(200);
    assertThat(got.header("ETag")).isEqualTo("\"1\"");
    assertThat(got.json().getJsonObject("data")).isEqualTo(new JsonObject().put("title", "milk").put("tags", new JsonArray().add("a")));

    assertThat(api.put(owner, space, "todos", "t1", new JsonObject(), "If-None-Match", "*").status()).isEqualTo(412);

    Response patched = api.send("PATCH", doc, owner.token(), "{\"done\":true,\"tags\":[\"b\"],\"title\":null}",
        "Content-Type", "application/merge-patch+json", "If-Match", "\"1\"");
    assertThat(patched.status()).isEqualTo(200);
    assertThat(patched.json().getJsonObject("document").getJsonObject("data"))
        .isEqualTo(new JsonObject().put("tags", new JsonArray().add("b")).put("done", true));
    assertThat(patched.json().getLong("seq")).isEqualTo(2);

    Response stale = api.put(owner, space, "todos", "t1", new JsonObject().put("x", 1), "If-Match", "\"1\"");
    assertThat(stale.status()).isEqualTo(412);
    assertThat(stale.errorCode()).isEqualTo("precondition_failed");
    assertThat(stale.json().getJsonObject("current").getLong("version")).isEqualTo(2);

    Response replaced = api.put(owner, space, "todos", "t1", new JsonObject().put("x", 1), "If-Match", "\"2\"");
    assertThat(replaced.status()).isEqualTo(200);
    assertThat(replaced.json().getJsonObject("document").getJsonObject("data")).isEqualTo(new JsonObject().put("x", 1));

    assertThat(api.send("DELETE", doc, owner.token(), null, "If-Match", "\"2\"").status()).isEqualTo(412);
    Response deleted = api.send("DELETE", doc, owner.token(), null, "If-Match", "\"3\"");
    assertThat(deleted.status()).isEqualTo(200);
    assertThat(deleted.json()).isEqualTo(new JsonObject().put("version", 4).put("seq", 4));
    assertThat(api.send("GET", doc, owner.token(), null).status()).isEqualTo(404);
    assertThat(api.send("DELETE", doc, owner.token(), null).status()).isEqualTo(404);
    assertThat(api.send("PATCH", doc, owner.token(), "{}", "Content-Type", "application/merge-patch+json").status())
        .isEqualTo(404);

    // A put after a delete revives the document with a higher version.
    Response revived = api.put(owner, space, "todos", "t1", new JsonObject().put("back", true), "If-None-Match", "*");
    assertThat(revived.status()).isEqualTo(201);
    assertThat(revived.json().getJsonObject("document").getLong("version")).isEqualTo(5);
  }

  @Test
  void documentInputErrors() {
    Account owner = api.register();
    String space = "bad-" + System.nanoTime();
    api.createSpace(owner, space);
    String doc = "/v1/spaces/" + space + "/documents/todos/t1";
    assertThat(api.send("PUT", doc, owner.token(), "{\"a\":").errorCode()).isEqualTo("bad_request");
    assertThat(api.send("PUT", doc, owner.token(), "[]").status()).isEqualTo(400);
    assertThat(api.send("PUT", doc, owner.token(), "{}", "Content-Type", "text/plain").status()).isEqualTo(415);
    assertThat(api.send("PATCH", doc, owner.token(), "{}", "Content-Type", "text/plain").errorCode())
        .isEqualTo("unsupported_media_type");
    assertThat(api.send("PUT", doc, owner.token(), "{\"big\":\"" + "x".repeat(5000) + "\"}").status()).isEqualTo(413);
    assertThat(api.send("PUT", doc, owner.token(), "{\"big\":\"" + "x".repeat(2_000_000) + "\"}").errorCode()).isEqualTo("too_large");
    assertThat(api.send("PUT", doc, owner.token(), "{}", "If-Match", "nonsense").status()).isEqualTo(400);
    assertThat(api.send("PUT", "/v1/spaces/" + space + "/documents/bad%20coll/x", owner.token(), "{}").status()).isEqualTo(400);
    String deep = "{\"a\":".repeat(70) + "1" + "}".repeat(70);
    assertThat(api.send("PUT", doc, owner.token(), deep).status()).isEqualTo(400);
    // Nothing above committed: the space's history is still empty.
    assertThat(api.send("GET", "/v1/spaces/" + space, owner.token(), null).json().getLong("seq")).isZero();
  }

  @Test
  void listingPagesWithOneSnapshotCursor() {
    Account owner = api.register();
    String space = "list-" + System.nanoTime();
    api.createSpace(owner, space);
    for (int i = 0; i < 7; i++) {
      api.put(owner, space, i % 2 == 0 ? "even" : "odd", "d" + i, new JsonObject().put("i", i));
    }
    api.send("DELETE", "/v1/spaces/" + space + "/documents/odd/d1", owner.token(), null);

    Response first = api.send("GET", "/v1/spaces/" + space + "/documents?limit=3", owner.token(), null);
    assertThat(first.status()).isEqualTo(200);
    assertThat(first.json().getLong("cursor")).isEqualTo(8);
    assertThat(first.json().getJsonArray("documents")).hasSize(3);
    String next = first.json().getString("next");
    assertThat(next).isNotNull();

    api.put(owner, space, "even", "d0", new JsonObject().put("i", 100)); // a write between pages
    Set<String> seen = new HashSet<>();
    first.json().getJsonArray("documents").forEach(d -> seen.add(((JsonObject) d).getString("id")));
    while (next != null) {
      Response page = api.send("GET", "/v1/spaces/" + space + "/documents?limit=3&after=" + next, owner.token(), null);
      assertThat(page.json().getLong("cursor")).as("later pages repeat the first page's cursor").isEqualTo(8);
      page.json().getJsonArray("documents").forEach(d -> seen.add(((JsonObject) d).getString("id")));
      next = page.json().getString("next");
    }
    assertThat(seen).containsExactlyInAnyOrder("d0", "d2", "d3", "d4", "d5", "d6");

    Response odd = api.send("GET", "/v1/spaces/" + space + "/documents?collection=odd&includeDeleted=true", owner.token(), null);
    assertThat(odd.json().getJsonArray("documents")).hasSize(3);
    assertThat(odd.json().getJsonArray("documents").getJsonObject(0).getBoolean("deleted")).isTrue();

    assertThat(api.send("GET", "/v1/spaces/" + space + "/documents?limit=0", owner.token(), null).status()).isEqualTo(400);
    assertThat(api.send("GET", "/v1/spaces/" + space + "/documents?after=garbage", owner.token(), null).status()).isEqualTo(400);
    assertThat(api.send("GET", "/v1/spaces/" + space + "/documents?includeDeleted=maybe", owner.token(), null).status()).isEqualTo(400);
  }

  @Test
  void repeatedReadsAreAnsweredWith304UntilSomethingChanges() {
    Account owner = api.register();
    String space = "etag-" + System.nanoTime();
    api.createSpace(owner, space);
    api.put(owner, space, "c", "a", new JsonObject().put("n", 1));
    String doc = "/v1/spaces/" + space + "/documents/c/a";
    String tag = api.send("GET", doc, owner.token(), null).header("ETag");
    Response same = api.send("GET", doc, owner.token(), null, "If-None-Match", tag);
    assertThat(same.status()).isEqualTo(304);
    assertThat(same.body()).isEmpty();

    String list = "/v1/spaces/" + space + "/documents?limit=10";
    Response first = api.send("GET", list, owner.token(), null);
    String listTag = first.header("ETag");
    assertThat(listTag).startsWith("\"L1-");
    assertThat(api.send("GET", list, owner.token(), null, "If-None-Match", listTag).status()).isEqualTo(304);
    assertThat(api.send("GET", list + "&includeDeleted=true", owner.token(), null, "If-None-Match", listTag).status())
        .as("a tag never matches another query").isEqualTo(200);
    Account stranger = api.register();
    assertThat(api.send("GET", list, stranger.token(), null, "If-None-Match", listTag).status())
        .as("authorization comes before the tag").isEqualTo(403);

    api.put(owner, space, "c", "b", new JsonObject());
    Response changed = api.send("GET", list, owner.token(), null, "If-None-Match", listTag);
    assertThat(changed.status()).isEqualTo(200);
    assertThat(changed.json().getJsonArray("documents")).hasSize(2);
    assertThat(changed.header("ETag")).isNotEqualTo(listTag);
    assertThat(api.send("GET", doc, owner.token(), null, "If-None-Match", tag).status()).as("a unchanged").isEqualTo(304);
  }

  @Test
  void changesSinceACursor() {
    Account owner = api.register();
    String space = "log-" + System.nanoTime();
    String epoch = api.createSpace(owner, space).json().getString("epoch");
    for (int i = 0; i < 5; i++) {
      api.put(owner, space, "c", "d" + i, new JsonObject().put("i", i));
    }
    Response page = api.send("GET", "/v1/spaces/" + space + "/changes?since=1&limit=2", owner.token(), null);
    assertThat(page.status()).isEqualTo(200);
    JsonArray changes = page.json().getJsonArray("changes");
    assertThat(changes).hasSize(2);
    assertThat(changes.getJsonObject(0).getLong("seq")).isEqualTo(2);
    assertThat(changes.getJsonObject(0).getString("op")).isEqualTo("put");
    assertThat(changes.getJsonObject(0).getString("actor")).isEqualTo(owner.userId());
    assertThat(page.json().getLong("cursor")).isEqualTo(3);
    assertThat(page.json().getBoolean("hasMore")).isTrue();

    Response rest = api.send("GET", "/v1/spaces/" + space + "/changes?since=3", owner.token(), null);
    assertThat(rest.json().getJsonArray("changes")).hasSize(2);
    assertThat(rest.json().getBoolean("hasMore")).isFalse();
    assertThat(rest.json().getLong("cursor")).isEqualTo(5);

    Response ahead = api.send("GET", "/v1/spaces/" + space + "/changes?since=99", owner.token(), null);
    assertThat(ahead.status()).isEqualTo(410);
    assertThat(ahead.errorCode()).isEqualTo("resync_required");
    assertThat(ahead.json().getString("epoch")).isEqualTo(epoch);
    assertThat(api.send("GET", "/v1/spaces/" + space + "/changes?since=0&epoch=other", owner.token(), null).status())
        .isEqualTo(410);
    assertThat(api.send("GET", "/v1/spaces/" + space + "/changes?since=-1", owner.token(), null).status()).isEqualTo(400);
    Account stranger = api.register();
    assertThat(api.send("GET", "/v1/spaces/" + space + "/changes", stranger.token(), null).status()).isEqualTo(403);
  }

  @Test
  void unknownRoutesAndMethodsAnswerJson() {
    Response missing = api.send("GET", "/nope", null, null);
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.errorCode()).isEqualTo("not_found");
    Response method = api.send("POST", "/health/live", null, null);
    assertThat(method.status()).isIn(404, 405);
    assertThat(method.json().getJsonObject("error")).isNotNull();
    assertThat(api.send("GET", "/health/live", null, null).status()).isEqualTo(200);
    Response ready = api.send("GET", "/health/ready", null, null);
    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.json().getString("status")).isEqualTo("UP");
    assertThat(ready.json().getJsonArray("checks").stream().map(c -> ((JsonObject) c).getString("id")))
        .contains("postgres", "migrations", "draining");
    assertThat(api.send("GET", "/v1/sync", null, null).status()).isEqualTo(400);
    Response openapi = api.send("GET", "/openapi.yaml", null, null);
    assertThat(openapi.status()).isEqualTo(200);
    assertThat(openapi.body()).startsWith("openapi: 3").contains("/v1/spaces/{space}/changes:");
  }
}
