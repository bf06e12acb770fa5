package io.tether.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.support.ApiClient;
import io.tether.support.ApiClient.Account;
import io.tether.support.ApiClient.Response;
import io.tether.support.Await;
import io.tether.support.TestCluster;
import io.tether.support.WsClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Compaction of the change log, and the documented recovery of a client whose cursor was compacted away. */
class RetentionIT {
  private static TestCluster cluster;
  private static ApiClient api;

  @BeforeAll
  static void start() {
    cluster = TestCluster.nodes(1, new JsonObject());
    api = cluster.api();
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }


  private static String spaceWithChanges(Account owner, int changes) {
    String space = "ret-" + System.nanoTime();
    api.createSpace(owner, space);
    for (int i = 0; i < changes; i++) {
      api.put(owner, space, "items", "i" + (i % 7), new JsonObject().put("n", i));
    }
    return space;
  }

  @Test
  void afterCompactionOldCursorsResyncAndTheDocumentedRecoveryWorks() {
    Account owner = api.register();
    String space = spaceWithChanges(owner, 50);
    RetentionJob.Stats stats = Await.result(new RetentionJob(cluster.db().pool(), 10, 0, 0).runOnce());
    assertThat(stats.ran()).isTrue();
    assertThat(stats.changesDeleted()).isGreaterThanOrEqualTo(40);

    // REST: a cursor before the horizon is refused with the horizon; one at it is served.
    Response old = api.send("GET", "/v1/spaces/" + space + "/changes?since=5", owner.token(), null);
    assertThat(old.status()).isEqualTo(410);
    assertThat(old.errorCode()).isEqualTo("resync_required");
    assertThat(old.json().getLong("minSeq")).isEqualTo(40);
    Response kept = api.send("GET", "/v1/spaces/" + space + "/changes?since=40", owner.token(), null);
    assertThat(kept.status()).isEqualTo(200);
    assertThat(kept.json().getJsonArray("changes")).hasSize(10);
    assertThat(kept.json().getJsonArray("changes").getJsonObject(0).getLong("seq")).isEqualTo(41);

    try (WsClient ws = WsClient.connect(cluster.vertx(), cluster.node().port(), owner.token())) {
      ws.send(new JsonObject().put("type", "subscribe").put("id", "old").put("space", space).put("since", 5));
      JsonObject resync = ws.next();
      assertThat(resync.getString("type")).isEqualTo("resync_required");
      assertThat(resync.getLong("minSeq")).isEqualTo(40);
      assertThat(ws.drain(200)).as("never a partial replay").isEmpty();

      // The recovery: list the documents, take the cursor, subscribe from it.
      JsonObject listing = api.send("GET", "/v1/spaces/" + space + "/documents", owner.token(), null).json();
      JsonArray documents = listing.getJsonArray("documents");
      assertThat(documents).hasSize(7);
      assertThat(listing.getLong("cursor")).isEqualTo(50);
      ws.send(new JsonObject().put("type", "subscribe").put("id", "fresh").put("space", space)
          .put("since", listing.getLong("cursor")).put("epoch", listing.getString("epoch")));
      JsonObject synced = ws.next();
      assertThat(synced.getString("type")).isEqualTo("synced");
      assertThat(synced.getLong("cursor")).isEqualTo(50);
      api.put(owner, space, "items", "new", new JsonObject());
      assertThat(ws.awaitType("change").getLong("seq")).isEqualTo(51);
    }
  }

  @Test
  void ageCompactsOnlyWhatIsOlderThanTheLimit() {
    Account owner = api.register();
    String space = spaceWithChanges(owner, 30);
    Await.result(cluster.db().pool().preparedQuery("UPDATE changes SET ts = now() - interval '3 days' WHERE space_id = $1 AND seq <= 12")
        .execute(Tuple.of(space)));
    RetentionJob.Stats stats = Await.result(new RetentionJob(cluster.db().pool(), 0, 48, 0).runOnce());
    assertThat(stats.ran()).isTrue();
    long minSeq = Await.result(cluster.db().pool().preparedQuery("SELECT compacted_seq FROM spaces WHERE id = $1").execute(Tuple.of(space)))
        .iterator().next().getLong(0);
    assertThat(minSeq).isEqualTo(12);
    long left = Await.result(cluster.db().pool().preparedQuery("SELECT count(*) FROM changes WHERE space_id = $1").execute(Tuple.of(space)))
        .iterator().next().getLong(0);
    assertThat(left).isEqualTo(18);
  }

  @Test
  void oldMutationRecordsAreForgottenAndOnlyOneNodeRunsAtATime() {
    Account owner = api.register();
    String space = spaceWithChanges(owner, 1);
    api.send("POST", "/v1/spaces/" + space + "/mutations", owner.token(), new JsonObject().put("mutations", new JsonArray()
        .add(new JsonObject().put("mutationId", "old").put("op", "put").put("collection", "c").put("id", "d").put("data", new JsonObject()))
        .add(new JsonObject().put("mutationId", "new").put("op", "put").put("collection", "c").put("id", "e").put("data", new JsonObject())))
        .encode());
    Await.result(cluster.db().pool().preparedQuery("UPDATE mutations SET created_at = now() - interval '10 days' WHERE space_id = $1 AND mutation_id = 'old'")
        .execute(Tuple.of(space)));

    SqlConnection holder = Await.result(cluster.db().pool().getConnection());
    try {
      Await.result(holder.preparedQuery("SELECT pg_advisory_lock($1)").execute(Tuple.of(0x7e7e_5e5e_0002L)));
      assertThat(Await.result(new RetentionJob(cluster.db().pool(), 0, 0, 24).runOnce()).ran()).as("another node holds the lock").isFalse();
      Await.result(holder.preparedQuery("SELECT pg_advisory_unlock($1)").execute(Tuple.of(0x7e7e_5e5e_0002L)));
    } finally {
      Await.result(holder.close());
    }
    RetentionJob.Stats stats = Await.result(new RetentionJob(cluster.db().pool(), 0, 0, 24).runOnce());
    assertThat(stats.mutationsForgotten()).isGreaterThanOrEqualTo(1);
    long remaining = Await.result(cluster.db().pool().preparedQuery("SELECT count(*) FROM mutations WHERE space_id = $1").execute(Tuple.of(space)))
        .iterator().next().getLong(0);
    assertThat(remaining).isEqualTo(1);
  }
}
