package io.tether.suites.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.support.ApiClient.Account;
import io.tether.support.ApiClient.Response;
import io.tether.support.Await;
import io.tether.support.TestCluster;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Test;

/** Issue 16, item 3: a small batch of stale writes cannot make the server answer or store a document hundreds of times. */
class ConflictAmplificationIT {

  @Test
  void fiveHundredStaleDeletesOfOneLargeDocumentAnswerAndStoreItOnce() {
    try (TestCluster cluster = TestCluster.single(new JsonObject())) {
      Account owner = cluster.api().register();
      String space = "amp";
      cluster.api().createSpace(owner, space);
      // A document just under limits.maxDocumentBytes (256 KiB).
      JsonObject big = new JsonObject().put("blob", "x".repeat(250_000));
      assertThat(cluster.api().put(owner, space, "docs", "big", big).status()).isEqualTo(201);
      JsonArray batch = new JsonArray();
      for (int i = 0; i < 500; i++) {
        batch.add(new JsonObject().put("mutationId", "stale-" + i).put("op", "delete").put("collection", "docs")
            .put("id", "big").put("baseVersion", 7));
      }
      String request = new JsonObject().put("mutations", batch).encode();
      Response answer = cluster.api().send("POST", "/v1/spaces/" + space + "/mutations", owner.token(), request);
      assertThat(answer.status()).isEqualTo(200);
      JsonArray results = answer.json().getJsonArray("results");
      assertThat(results).hasSize(500);
      assertThat(results.stream().map(r -> ((JsonObject) r).getString("status"))).containsOnly("conflict");
      assertThat(results.getJsonObject(0).getJsonObject("current").getLong("version")).isEqualTo(1);
      assertThat(results.getJsonObject(499).containsKey("current")).isFalse();
      long stored = Await.result(cluster.db().pool().preparedQuery(
              "SELECT coalesce(sum(octet_length(result::text)), 0) FROM mutations WHERE space_id = $1")
          .execute(Tuple.of(space))).iterator().next().getLong(0);
      System.out.printf("hostile: a %,d-byte batch of 500 stale deletes of a 250 KB document answered %,d bytes "
          + "and stored %,d bytes of results (500 copies would be ~125 MB each)%n", request.length(), answer.body().length(), stored);
      assertThat(answer.body().length()).isLessThan(300_000);
      assertThat(stored).isLessThan(100_000);

      // A replay still carries the document, read at the replay.
      Response replay = cluster.api().send("POST", "/v1/spaces/" + space + "/mutations", owner.token(), request);
      assertThat(replay.json().getJsonArray("results").getJsonObject(0).getJsonObject("current").getJsonObject("data"))
          .isEqualTo(big);
      assertThat(replay.body().length()).isLessThan(300_000);
    }
  }
}
