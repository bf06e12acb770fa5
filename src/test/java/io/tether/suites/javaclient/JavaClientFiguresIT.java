package io.tether.suites.javaclient;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import io.tether.client.Events;
import io.tether.client.FileStorage;
import io.tether.client.MemoryStorage;
import io.tether.client.Space;
import io.tether.client.TetherAuth;
import io.tether.client.TetherClient;
import io.tether.support.ApiClient.Account;
import io.tether.support.Await;
import io.tether.support.TestCluster;
import io.vertx.sqlclient.Tuple;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Not limits: prints what the Java client costs, for its documentation and the notes. A space of
 * 10,000 documents (about 90 bytes of JSON each): loading it over REST versus from storage, the
 * heap it holds, and what a queued write costs in FileStorage.
 */
class JavaClientFiguresIT {
  private static final int DOCUMENTS = 10_000;
  private static TestCluster cluster;

  @BeforeAll
  static void start() {
    cluster = TestCluster.single(new io.vertx.core.json.JsonObject());
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  private static Events.Synced synced(Space space) throws Exception {
    CompletableFuture<Events.Synced> f = new CompletableFuture<>();
    space.onSynced(f::complete);
    return f.get(60, TimeUnit.SECONDS);
  }

  private static long heapUsed() {
    for (int i = 0; i < 4; i++) {
      System.gc();
      Await.sleep(100);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  @Test
  void aSpaceOfTenThousandDocuments() throws Exception {
    String url = "http://127.0.0.1:" + cluster.node().port();
    TetherAuth ann = new TetherAuth(url, new MemoryStorage());
    ann.register("figures-" + UUID.randomUUID() + "@example.test", "correct horse battery").get(10, TimeUnit.SECONDS);
    String space = "fig-" + UUID.randomUUID().toString().substring(0, 8);
    assertThat(cluster.api().createSpace(new Account(ann.userId(), ann.current().accessToken), space).status()).isIn(200, 201);
    Await.result(cluster.db().pool().preparedQuery("INSERT INTO documents (space_id, collection, id, version, data, deleted, seq) "
        + "SELECT $1, 'items', 'item-' || lpad(g::text, 5, '0'), 1, jsonb_build_object('title', 'Item number ' || g, "
        + "'done', g % 3 = 0, 'notes', repeat('x', 30)), false, g FROM generate_series(1, $2) g")
        .execute(Tuple.of(space, DOCUMENTS)));
    Await.result(cluster.db().pool().preparedQuery("UPDATE spaces SET seq = $2 WHERE id = $1").execute(Tuple.of(space, DOCUMENTS)));
    Path dir = Files.createTempDirectory("tether-client-figures-");

    // Over REST, into an empty storage (20 pages of 500), then the copy is saved.
    TetherClient overRest = TetherClient.builder(url, ann).storage(new FileStorage(dir)).build();
    long started = System.nanoTime();
    Space loading = overRest.space(space);
    overRest.connect();
    assertThat(synced(loading).fromSavedCopy).isFalse();
    double restMs = (System.nanoTime() - started) / 1e6;
    assertThat(loading.documents("items")).hasSize(DOCUMENTS);
    overRest.close();
    long savedBytes = Files.size(dir.resolve("space%3A" + space.replace("-", "-") + ".json"));

    // From storage, as the next start of the app: documents at once, then resumed from the cursor.
    long before = heapUsed();
    TetherClient fromStorage = TetherClient.builder(url, ann).storage(new FileStorage(dir)).build();
    started = System.nanoTime();
    Space restored = fromStorage.space(space);
    int shown = restored.documents("items").size();
    double storageMs = (System.nanoTime() - started) / 1e6;
    assertThat(shown).isEqualTo(DOCUMENTS);
    long after = heapUsed();
    started = System.nanoTime();
    fromStorage.connect();
    assertThat(synced(restored).fromSavedCopy).isTrue();
    double resumedMs = (System.nanoTime() - started) / 1e6;

    // Queued writes: each is in FileStorage (written, forced, renamed) before its future completes.
    int writes = 200;
    fromStorage.pause();
    started = System.nanoTime();
    for (int i = 0; i < writes; i++) {
      JsonObject data = new JsonObject();
      data.addProperty("n", i);
      restored.put("queued", "q" + i, data).get(10, TimeUnit.SECONDS);
    }
    double perWriteMs = (System.nanoTime() - started) / 1e6 / writes;
    assertThat(restored.pending()).isEqualTo(writes);
    fromStorage.resume();
    Await.until("the queue drains", 30, () -> restored.pending() == 0);
    fromStorage.close();

    System.out.printf("JAVA CLIENT: a space of %,d documents: %.0f ms over REST (to synced), %.0f ms from storage "
        + "(documents shown), then %.0f ms from connect() to resumed from the cursor; saved copy %,d bytes; heap held %.1f MiB (%,d bytes per document)%n",
        DOCUMENTS, restMs, storageMs, resumedMs, savedBytes, (after - before) / 1048576.0, (after - before) / DOCUMENTS);
    System.out.printf("JAVA CLIENT: a queued write costs %.2f ms in FileStorage (the whole queue rewritten and forced; "
        + "%d writes queued, the last one rewriting %d)%n", perWriteMs, writes, writes);
    assertThat(restored).isNotNull(); // held until here, so the heap figure counts it
  }
}
