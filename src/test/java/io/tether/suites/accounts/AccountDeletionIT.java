package io.tether.suites.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.support.ApiClient;
import io.tether.support.ApiClient.Account;
import io.tether.support.ApiClient.Response;
import io.tether.support.Await;
import io.tether.support.TestCluster;
import io.tether.support.WsClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 19: {@code DELETE /v1/me} (re-authenticated; what becomes of spaces the user alone owns;
 * every node stops serving the user; actor ids anonymised by background jobs; idempotent) and
 * {@code GET /v1/me/export}, on two nodes over Redis.
 */
class AccountDeletionIT {
  private static final String PASSWORD = "correct horse battery";
  private static final String[] USER_TABLES = {"members", "devices", "refresh_tokens", "mutations", "profiles",
      "identities", "email_codes"};

  private static TestCluster cluster;
  private static ApiClient api;
  private static ApiClient other;

  @BeforeAll
  static void start() {
    cluster = TestCluster.nodes(2, new JsonObject().put("limits", new JsonObject().put("exportsPerHour", 2)));
    api = cluster.api(0);
    other = cluster.api(1);
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  /** A new account with its email and refresh token, for signing in again. */
  private record Person(String userId, String token, String email, String refreshToken) {
    Account account() {
      return new Account(userId, token);
    }
  }

  private static Person person() {
    String email = "del-" + UUID.randomUUID() + "@example.test";
    Response r = api.send("POST", "/v1/auth/register", null,
        new JsonObject().put("email", email).put("password", PASSWORD).encode());
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return new Person(r.json().getString("userId"), r.json().getString("accessToken"), email,
        r.json().getString("refreshToken"));
  }

  private static Response delete(ApiClient via, String token, JsonObject body) {
    return via.send("DELETE", "/v1/me", token, body == null ? null : body.encode());
  }

  /** As if the user signed in an hour ago: the session is no proof of presence any more. */
  private static void signedInLongAgo(String userId) {
    Await.result(cluster.db().pool().preparedQuery(
        "UPDATE refresh_tokens SET created_at = created_at - interval '1 hour' WHERE user_id = $1").execute(Tuple.of(userId)));
  }

  private static long count(String sql, Object... args) {
    return Await.result(cluster.db().pool().preparedQuery(sql).execute(Tuple.from(args))).iterator().next().getLong(0);
  }

  private static String space(Account owner, String name) {
    Response made = api.send("POST", "/v1/spaces", owner.token(), new JsonObject().put("name", name).encode());
    assertThat(made.status()).as(made.body()).isEqualTo(201);
    return made.json().getString("id");
  }

  private static void member(Account owner, String space, Account who, String role) {
    assertThat(api.addMember(owner, space, who.userId(), role).status()).isEqualTo(200);
  }

  @Test
  void deletingNeedsThePasswordOrAFreshSignInAndARefusalDeletesNothing() {
    Person ann = person();
    signedInLongAgo(ann.userId());
    Response stale = delete(api, ann.token(), null);
    assertThat(stale.status()).as(stale.body()).isEqualTo(403);
    assertThat(stale.errorCode()).isEqualTo("reauthentication_required");
    Response wrong = delete(api, ann.token(), new JsonObject().put("password", "not the password"));
    assertThat(wrong.status()).isEqualTo(403);
    assertThat(wrong.errorCode()).isEqualTo("forbidden");
    for (JsonObject bad : List.of(new JsonObject().put("soleOwnedSpaces", "keep"), new JsonObject().put("anonymize", "yes"),
        new JsonObject().put("passwd", PASSWORD), new JsonObject().put("password", 42))) {
      Response refused = delete(api, ann.token(), bad.put("password", bad.getValue("password", PASSWORD)));
      assertThat(refused.status()).as(bad.encode()).isEqualTo(400);
      assertThat(refused.errorCode()).isEqualTo("bad_request");
    }
    assertThat(api.send("DELETE", "/v1/me", ann.token(), "[]").status()).isEqualTo(400);
    assertThat(delete(api, null, null).status()).isEqualTo(401);
    assertThat(delete(api, "garbage", null).status()).isEqualTo(401);
    assertThat(count("SELECT count(*) FROM users WHERE id = $1", ann.userId())).as("nothing deleted").isEqualTo(1);
    assertThat(api.send("GET", "/v1/me", ann.token(), null).status()).isEqualTo(200);

    // Signing in again makes a fresh session, which is proof enough without the password.
    Response login = api.send("POST", "/v1/auth/login", null,
        new JsonObject().put("email", ann.email()).put("password", PASSWORD).encode());
    Response fresh = delete(other, login.json().getString("accessToken"), null);
    assertThat(fresh.status()).as(fresh.body()).isEqualTo(200);
    assertThat(fresh.json().getBoolean("deleted")).isTrue();
  }

  @Test
  void anAccountWithoutAPasswordIsDeletedFromAFreshSessionOnly() {
    Person pat = person();
    // As a provider-only account is: no password to prove anything with.
    Await.result(cluster.db().pool().preparedQuery("UPDATE users SET password_hash = NULL WHERE id = $1")
        .execute(Tuple.of(pat.userId())));
    Response withPassword = delete(api, pat.token(), new JsonObject().put("password", PASSWORD));
    assertThat(withPassword.status()).isEqualTo(403);
    assertThat(withPassword.errorCode()).isEqualTo("reauthentication_required");
    signedInLongAgo(pat.userId());
    assertThat(delete(api, pat.token(), null).errorCode()).isEqualTo("reauthentication_required");
    Await.result(cluster.db().pool().preparedQuery(
        "UPDATE refresh_tokens SET created_at = now() WHERE user_id = $1").execute(Tuple.of(pat.userId())));
    assertThat(delete(api, pat.token(), null).status()).isEqualTo(200);
    assertThat(count("SELECT count(*) FROM users WHERE id = $1", pat.userId())).isZero();
  }

  @Test
  void deletionRemovesTheAccountAndAllItsRowsAndEveryNodeStopsServingIt() throws Exception {
    Person ann = person();
    Account bob = api.register();
    Account carol = api.register();
    Account dave = api.register();
    assertThat(api.send("PATCH", "/v1/me", ann.token(), "{\"displayName\":\"Ann\"}").status()).isEqualTo(200);
    assertThat(api.send("PUT", "/v1/devices/phone", ann.token(),
        new JsonObject().put("platform", "fcm").put("token", "push-token-of-ann").encode()).status()).isEqualTo(200);
    Response secondSession = api.send("POST", "/v1/auth/login", null,
        new JsonObject().put("email", ann.email()).put("password", PASSWORD).encode());
    assertThat(secondSession.status()).isEqualTo(200);

    // Bob's space, where Ann writes; Ann's spaces: shared with a co-owner, with writers (the one added
    // first inherits it), with only a reader (deleted with her).
    String bobs = space(bob, "Bob's");
    member(bob, bobs, ann.account(), "writer");
    String shared = space(ann.account(), "Shared");
    member(ann.account(), shared, carol, "owner");
    String inherited = space(ann.account(), "Inherited");
    member(ann.account(), inherited, dave, "writer");
    member(ann.account(), inherited, carol, "writer");
    member(ann.account(), inherited, bob, "reader");
    String lonely = space(ann.account(), "Lonely");
    member(ann.account(), lonely, bob, "reader");
    assertThat(api.put(ann.account(), bobs, "notes", "by-ann", new JsonObject().put("text", "hi")).status()).isEqualTo(201);
    assertThat(api.put(ann.account(), lonely, "notes", "n", new JsonObject()).status()).isEqualTo(201);
    assertThat(api.send("POST", "/v1/spaces/" + bobs + "/mutations", ann.token(), new JsonObject().put("mutations",
        new JsonArray().add(new JsonObject().put("mutationId", "m1").put("op", "put").put("collection", "notes")
            .put("id", "queued").put("data", new JsonObject()))).encode()).status()).isEqualTo(200);
    for (String table : new String[] {"members", "devices", "refresh_tokens", "mutations", "profiles"}) {
      assertThat(count("SELECT count(*) FROM " + table + " WHERE user_id = $1", ann.userId())).as(table).isPositive();
    }

    try (WsClient annThere = WsClient.connect(cluster.vertx(), cluster.node(1).port(), ann.token());
         WsClient bobThere = WsClient.connect(cluster.vertx(), cluster.node(1).port(), bob.token())) {
      annThere.subscribe(bobs, 0, true);
      assertThat(annThere.awaitType("synced")).isNotNull();
      bobThere.subscribe(lonely, 0, false);
      assertThat(bobThere.awaitType("synced")).isNotNull();
      Await.until("ann is present", 10, () -> api.send("GET", "/v1/spaces/" + bobs + "/presence", bob.token(), null)
          .json().getJsonArray("members").size() == 1);
      // Ann's role in Bob's space is cached on the other node.
      assertThat(other.send("GET", "/v1/spaces/" + bobs + "/documents", ann.token(), null).status()).isEqualTo(200);

      long started = System.nanoTime();
      Response deleted = delete(api, ann.token(), new JsonObject().put("password", PASSWORD));
      long millis = (System.nanoTime() - started) / 1_000_000;
      assertThat(deleted.status()).as(deleted.body()).isEqualTo(200);
      System.out.printf("ACCOUNTS: deleting an account with 4 memberships, 2 sessions and a device took %d ms%n", millis);
      JsonObject answer = deleted.json();
      assertThat(answer.getBoolean("deleted")).isTrue();
      assertThat(answer.getJsonArray("spacesDeleted")).containsExactly(lonely);
      assertThat(answer.getJsonArray("spacesTransferred")).containsExactly(
          new JsonObject().put("space", inherited).put("newOwner", dave.userId()));
      assertThat(answer.getBoolean("anonymizing")).isFalse();

      JsonObject revoked = annThere.awaitFrame(f -> "error".equals(f.getString("type")) && bobs.equals(f.getString("space")), 10);
      assertThat(revoked.getString("code")).isEqualTo("forbidden");
      assertThat(bobThere.awaitType("space_deleted").getString("space")).isEqualTo(lonely);
      Await.until("ann's presence is gone", 10, () -> api.send("GET", "/v1/spaces/" + bobs + "/presence", bob.token(), null)
          .json().getJsonArray("members").isEmpty());
    }

    // Every node refuses her tokens at once; her refresh tokens and password are gone.
    for (ApiClient node : new ApiClient[] {api, other}) {
      Response refused = node.send("GET", "/v1/me", ann.token(), null);
      assertThat(refused.status()).isEqualTo(401);
      assertThat(refused.body()).contains("deleted");
      assertThat(node.send("GET", "/v1/spaces/" + bobs + "/documents", ann.token(), null).status()).isEqualTo(401);
      assertThat(node.send("GET", "/v1/me", secondSession.json().getString("accessToken"), null).status()).isEqualTo(401);
    }
    assertThat(api.send("POST", "/v1/auth/refresh", null,
        new JsonObject().put("refreshToken", ann.refreshToken()).encode()).status()).isEqualTo(401);
    assertThat(api.send("POST", "/v1/auth/login", null,
        new JsonObject().put("email", ann.email()).put("password", PASSWORD).encode()).status()).isEqualTo(401);
    assertThat(count("SELECT count(*) FROM users WHERE id = $1", ann.userId())).isZero();
    for (String table : USER_TABLES) {
      assertThat(count("SELECT count(*) FROM " + table + " WHERE user_id = $1", ann.userId())).as(table).isZero();
    }
    // The spaces: kept by the co-owner; handed to the writer added first; the lonely one gone.
    assertThat(count("SELECT count(*) FROM members WHERE space_id = $1 AND role = 'owner'", shared)).isEqualTo(1);
    assertThat(api.send("GET", "/v1/spaces/" + shared, carol.token(), null).json().getString("role")).isEqualTo("owner");
    assertThat(other.send("GET", "/v1/spaces/" + inherited, dave.token(), null).json().getString("role")).isEqualTo("owner");
    assertThat(other.send("GET", "/v1/spaces/" + inherited, carol.token(), null).json().getString("role")).isEqualTo("writer");
    assertThat(count("SELECT count(*) FROM spaces WHERE id = $1", lonely)).isZero();
    assertThat(count("SELECT count(*) FROM documents WHERE space_id = $1", lonely)).isZero();
    // What others wrote stays; her own change stays too, under her id, as she did not ask to anonymise.
    assertThat(api.send("GET", "/v1/spaces/" + bobs + "/documents/notes/by-ann", bob.token(), null).status()).isEqualTo(200);
    assertThat(count("SELECT count(*) FROM changes WHERE space_id = $1 AND actor = $2", bobs, ann.userId())).isPositive();
    // The registered address is free again.
    assertThat(api.send("POST", "/v1/auth/register", null,
        new JsonObject().put("email", ann.email()).put("password", PASSWORD).encode()).status()).isEqualTo(201);

    // Again, with the old token (a retry after a lost answer): the same answer, nothing more to do.
    Response again = delete(other, ann.token(), new JsonObject().put("password", PASSWORD));
    assertThat(again.status()).as(again.body()).isEqualTo(200);
    assertThat(again.json().getBoolean("deleted")).isTrue();
    assertThat(again.json().getJsonArray("spacesDeleted")).isEmpty();
  }

  @Test
  void soleOwnedSpacesCanBeDeletedWhoeverElseIsInThem() {
    Person ann = person();
    Account bob = api.register();
    String space = space(ann.account(), "Mine alone");
    member(ann.account(), space, bob, "writer");
    Response deleted = delete(api, ann.token(), new JsonObject().put("soleOwnedSpaces", "delete"));
    assertThat(deleted.status()).as(deleted.body()).isEqualTo(200);
    assertThat(deleted.json().getJsonArray("spacesDeleted")).containsExactly(space);
    assertThat(deleted.json().getJsonArray("spacesTransferred")).isEmpty();
    assertThat(count("SELECT count(*) FROM spaces WHERE id = $1", space)).isZero();
    assertThat(other.send("GET", "/v1/spaces", bob.token(), null).json().getJsonArray("spaces")).isEmpty();
  }

  @Test
  void anonymisingReplacesTheUsersActorIdInEveryChangeLogInTheBackground() {
    Person ann = person();
    Account bob = api.register();
    String first = space(bob, "First");
    String second = space(bob, "Second");
    for (String space : new String[] {first, second}) {
      member(bob, space, ann.account(), "writer");
      for (int i = 0; i < 3; i++) {
        assertThat(api.put(ann.account(), space, "notes", "a" + i, new JsonObject().put("i", i)).status()).isEqualTo(201);
      }
      assertThat(api.put(bob, space, "notes", "b", new JsonObject()).status()).isEqualTo(201);
    }
    assertThat(api.send("POST", "/v1/spaces/" + first + "/invites", bob.token(), "{\"role\":\"reader\"}").status())
        .isEqualTo(201);
    Response deleted = delete(api, ann.token(), new JsonObject().put("anonymize", true).put("password", PASSWORD));
    assertThat(deleted.status()).as(deleted.body()).isEqualTo(200);
    assertThat(deleted.json().getBoolean("anonymizing")).isTrue();
    Await.until("no change log names her", 30,
        () -> count("SELECT count(*) FROM changes WHERE actor = $1", ann.userId()) == 0);
    for (String space : new String[] {first, second}) {
      assertThat(count("SELECT count(*) FROM changes WHERE space_id = $1 AND actor = 'deleted-user'", space)).isEqualTo(3);
      assertThat(count("SELECT count(*) FROM changes WHERE space_id = $1 AND actor = $2", space, bob.userId()))
          .as("others' changes keep their author").isPositive();
    }
    Await.until("the jobs are done", 30, () -> count(
        "SELECT count(*) FROM jobs WHERE kind = 'anonymize-actor' AND payload->>'actor' = $1", ann.userId()) == 0);
    // The change feed shows the replacement.
    JsonArray changes = api.send("GET", "/v1/spaces/" + first + "/changes?since=0", bob.token(), null).json()
        .getJsonArray("changes");
    assertThat(changes.stream().map(c -> ((JsonObject) c).getString("actor"))).contains("deleted-user")
        .doesNotContain(ann.userId());
  }

  @Test
  void theExportHoldsTheAccountAndTheOwnedSpacesDocumentsButNoSecretAndIsLimited() {
    Person eve = person();
    Account bob = api.register();
    assertThat(api.send("PATCH", "/v1/me", eve.token(), "{\"displayName\":\"Ève\"}").status()).isEqualTo(200);
    assertThat(api.send("PUT", "/v1/devices/tablet", eve.token(),
        new JsonObject().put("platform", "apns").put("token", "apns-secret-token").encode()).status()).isEqualTo(200);
    String mine = space(eve.account(), "Recipes");
    for (int i = 0; i < 5; i++) {
      assertThat(api.put(eve.account(), mine, "recipes", "r" + i, new JsonObject().put("title", "crème brûlée " + i))
          .status()).isEqualTo(201);
    }
    String bobs = space(bob, "Bob's");
    member(bob, bobs, eve.account(), "reader");
    assertThat(api.put(bob, bobs, "notes", "bobs-secret", new JsonObject()).status()).isEqualTo(201);

    Response export = other.send("GET", "/v1/me/export", eve.token(), null);
    assertThat(export.status()).as(export.body()).isEqualTo(200);
    assertThat(export.header("Content-Disposition")).contains("attachment");
    assertThat(export.header("Cache-Control")).isEqualTo("no-store");
    JsonObject all = export.json();
    assertThat(all.getBoolean("complete")).isTrue();
    assertThat(all.getJsonObject("account").getString("email")).isEqualTo(eve.email());
    assertThat(all.getJsonObject("profile").getString("displayName")).isEqualTo("Ève");
    assertThat(all.getJsonArray("sessions")).hasSize(1);
    assertThat(all.getJsonArray("devices").getJsonObject(0).getString("deviceId")).isEqualTo("tablet");
    assertThat(all.getJsonArray("memberships").stream().map(m -> ((JsonObject) m).getString("role")))
        .containsExactlyInAnyOrder("owner", "reader");
    JsonArray owned = all.getJsonArray("ownedSpaces");
    assertThat(owned).hasSize(1);
    assertThat(owned.getJsonObject(0).getString("name")).isEqualTo("Recipes");
    assertThat(owned.getJsonObject(0).getJsonArray("documents")).hasSize(5);
    assertThat(owned.getJsonObject(0).getJsonArray("documents").getJsonObject(0).getJsonObject("data")
        .getString("title")).startsWith("crème brûlée");
    assertThat(export.body()).doesNotContain("apns-secret-token", eve.refreshToken(), "bobs-secret", "password");

    // Two an hour (this cluster's setting): the third is refused, on any node.
    assertThat(api.send("GET", "/v1/me/export", eve.token(), null).status()).isEqualTo(200);
    Response limited = other.send("GET", "/v1/me/export", eve.token(), null);
    assertThat(limited.status()).isEqualTo(429);
    assertThat(limited.errorCode()).isEqualTo("rate_limited");
    assertThat(limited.header("Retry-After")).isNotNull();
    assertThat(api.send("GET", "/v1/me/export", null, null).status()).isEqualTo(401);
  }

  @Test
  void anExportLargerThanTheLimitStopsAtADocumentBoundaryAndSaysSo() {
    try (TestCluster small = TestCluster.single(new JsonObject().put("limits", new JsonObject().put("maxExportBytes", 1_048_576)))) {
      ApiClient node = small.api();
      Account owner = node.register();
      String space = node.send("POST", "/v1/spaces", owner.token(), "{\"name\":\"Big\"}").json().getString("id");
      for (int i = 0; i < 20; i++) {
        // 100 kB each in UTF-8 (50,000 two-byte characters): 2 MB of documents against a 1 MiB limit.
        assertThat(node.put(owner, space, "notes", "n" + i, new JsonObject().put("text", "é".repeat(50_000))).status())
            .isEqualTo(201);
      }
      Response export = node.send("GET", "/v1/me/export", owner.token(), null);
      assertThat(export.status()).isEqualTo(200);
      assertThat(export.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isLessThanOrEqualTo(1_048_576);
      JsonObject all = export.json();
      assertThat(all.getBoolean("complete")).isFalse();
      int exported = all.getJsonArray("ownedSpaces").getJsonObject(0).getJsonArray("documents").size();
      assertThat(exported).isBetween(9, 10);
    }
  }

  /** Not a limit check: prints what deleting a busy account costs, for the docs and the notes. */
  @Test
  void aBusyAccountIsDeletedInOneShortTransactionAndAnonymisedInTheBackground() {
    Person ann = person();
    Account bob = api.register();
    String prefix = "big-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    // 100 spaces Ann alone owns with Bob writing, 100 of Bob's where Ann writes; 500 changes of hers in each.
    sql("INSERT INTO spaces (id, seq, epoch, created_by, name) SELECT $1 || g, 500, 'e', "
        + "CASE WHEN g <= 100 THEN $2 ELSE $3 END, 'S' || g FROM generate_series(1, 200) g", prefix, ann.userId(), bob.userId());
    sql("INSERT INTO members (space_id, user_id, role, added_at) SELECT $1 || g, $2, CASE WHEN g <= 100 THEN 'owner' ELSE 'writer' END, "
        + "now() - interval '2 days' FROM generate_series(1, 200) g", prefix, ann.userId());
    sql("INSERT INTO members (space_id, user_id, role, added_at) SELECT $1 || g, $2, CASE WHEN g <= 100 THEN 'writer' ELSE 'owner' END, "
        + "now() - interval '1 day' FROM generate_series(1, 200) g", prefix, bob.userId());
    sql("INSERT INTO changes (space_id, seq, collection, doc_id, op, version, data, deleted, actor) SELECT $1 || s, c, 'notes', "
        + "'d' || c, 'put', 1, '{\"n\":1}'::jsonb, false, $2 FROM generate_series(1, 200) s, generate_series(1, 500) c",
        prefix, ann.userId());
    long allChanges = count("SELECT count(*) FROM changes");

    long started = System.nanoTime();
    Response deleted = delete(api, ann.token(), new JsonObject().put("anonymize", true));
    long deleteMillis = (System.nanoTime() - started) / 1_000_000;
    assertThat(deleted.status()).as(deleted.body()).isEqualTo(200);
    assertThat(deleted.json().getJsonArray("spacesTransferred")).hasSize(100);
    assertThat(count("SELECT count(*) FROM members WHERE space_id LIKE $1 AND user_id = $2 AND role = 'owner'",
        prefix + "%", bob.userId())).isEqualTo(200);
    Await.until("no change log names her", 300,
        () -> count("SELECT count(*) FROM changes WHERE actor = $1", ann.userId()) == 0);
    long anonymizedMillis = (System.nanoTime() - started) / 1_000_000;
    assertThat(count("SELECT count(*) FROM changes WHERE space_id LIKE $1 AND actor = 'deleted-user'", prefix + "%"))
        .isEqualTo(100_000);
    System.out.printf("ACCOUNTS: deleting an account owning 100 spaces (transferred) and writing in 100 more took %d ms;"
        + " anonymizing its 100,000 changes among %,d in the database was done %d ms after the request%n",
        deleteMillis, allChanges, anonymizedMillis);
  }

  private static void sql(String statement, Object... args) {
    Await.result(cluster.db().pool().preparedQuery(statement).execute(Tuple.from(args)));
  }
}
