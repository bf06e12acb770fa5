package io.tether.suites.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.support.ApiClient;
import io.tether.support.ApiClient.Account;
import io.tether.support.ApiClient.Response;
import io.tether.support.TestCluster;
import io.tether.support.WsClient;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Issue 16, item 2: pages are bounded in bytes (limits.maxPageBytes), whatever their limit. */
class PageBytesIT {

  @Test
  void largeDocumentsEndPagesEarlyAndNothingIsLost() {
    try (TestCluster cluster = TestCluster.single(new JsonObject()
        .put("limits", new JsonObject().put("maxPageBytes", 1_048_576)))) {
      ApiClient api = cluster.api();
      Account owner = api.register();
      String space = "big-pages";
      api.createSpace(owner, space);
      for (int i = 0; i < 15; i++) {
        api.put(owner, space, "docs", String.format("d%02d", i), new JsonObject().put("blob", "x".repeat(250_000)));
      }

      // Listings: a limit of 1,000 answers about 1 MiB, and the pages together hold every document once.
      Set<String> seen = new HashSet<>();
      String next = null;
      int pages = 0;
      do {
        String path = "/v1/spaces/" + space + "/documents?limit=1000"
            + (next == null ? "" : "&after=" + URLEncoder.encode(next, StandardCharsets.UTF_8));
        Response page = api.send("GET", path, owner.token(), null);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body().length()).as("page %d", pages).isLessThan(1_048_576 + 300_000);
        page.json().getJsonArray("documents").forEach(d -> assertThat(seen.add(((JsonObject) d).getString("id"))).isTrue());
        next = page.json().getString("next");
        pages++;
      } while (next != null && pages < 20);
      System.out.printf("hostile: 15 documents of 250 KB listed with limit=1000 in %d pages of at most ~1 MiB%n", pages);
      assertThat(seen).hasSize(15);
      assertThat(pages).isBetween(4, 8);

      // Change pages: the same bound, and hasMore says to go on.
      Response changes = api.send("GET", "/v1/spaces/" + space + "/changes?since=0&limit=1000", owner.token(), null);
      assertThat(changes.body().length()).isLessThan(1_048_576 + 300_000);
      assertThat(changes.json().getBoolean("hasMore")).isTrue();
      assertThat(changes.json().getJsonArray("changes").size()).isBetween(1, 6);

      // Catch-up over the socket reads the log in such pages, and still delivers every change in order.
      try (WsClient ws = WsClient.connect(cluster.vertx(), cluster.node().port(), owner.token())) {
        ws.send(new JsonObject().put("type", "subscribe").put("id", "1").put("space", space).put("since", 0)
            .put("presence", false));
        for (long seq = 1; seq <= 15; seq++) {
          assertThat(ws.awaitType("change").getLong("seq")).isEqualTo(seq);
        }
        assertThat(ws.awaitType("synced").getLong("cursor")).isEqualTo(15);
      }
    }
  }
}
