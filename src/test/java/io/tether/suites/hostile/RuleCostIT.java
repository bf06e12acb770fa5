package io.tether.suites.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.support.ApiClient;
import io.tether.support.ApiClient.Account;
import io.tether.support.ApiClient.Response;
import io.tether.support.TestCluster;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 32, item 1, live: the reviewers' rules are refused when set, and a rule that is allowed but
 * runs out of budget on every document denies quickly; prints what listings under it cost another user.
 */
class RuleCostIT {

  @Test
  void costlyRulesAreRefusedAndAnExhaustedBudgetDeniesQuickly() throws Exception {
    try (TestCluster cluster = TestCluster.single(new JsonObject().put("limits", new JsonObject()
        .put("userRequestsPerSecond", 1000).put("userBurst", 1000).put("ipRequestsPerSecond", 10_000).put("ipBurst", 10_000)))) {
      ApiClient api = cluster.api();
      Account ann = api.register();
      String space = "rc-" + UUID.randomUUID().toString().substring(0, 8);
      api.createSpace(ann, space);
      String rules = "/v1/spaces/" + space + "/rules";

      Response nested = api.send("PUT", rules, ann.token(),
          "{\"collections\":{\"t\":{\"read\":\"data.a.all(x, data.a.all(y, data.a.all(z, x + y + z >= 0)))\"}}}");
      assertThat(nested.status()).isEqualTo(400);
      assertThat(nested.body()).contains("too costly").contains("nest 3 deep");

      // Allowed (one comprehension), but over 2,000-item lists it runs out of its 1,000 iterations.
      assertThat(api.send("PUT", rules, ann.token(),
          "{\"collections\":{\"t\":{\"read\":\"data.a.exists(x, x == -1) || data.a.map(x, data.s + data.s).size() > 0\"}}}")
          .status()).isEqualTo(200);
      JsonArray a = new JsonArray();
      for (int i = 0; i < 2_000; i++) {
        a.add(i);
      }
      for (int batch = 0; batch < 4; batch++) {
        JsonArray mutations = new JsonArray();
        for (int i = 0; i < 50; i++) {
          mutations.add(new JsonObject().put("mutationId", "m" + batch + "-" + i).put("op", "put").put("collection", "t")
              .put("id", "d" + batch + "-" + i).put("data", new JsonObject().put("a", a).put("s", "x".repeat(1000))));
        }
        assertThat(api.send("POST", "/v1/spaces/" + space + "/mutations", ann.token(),
            new JsonObject().put("mutations", mutations).encode()).status()).isEqualTo(200);
      }
      String listing = "/v1/spaces/" + space + "/documents?collection=t&limit=1000";
      long started = System.nanoTime();
      Response page = api.send("GET", listing, ann.token(), null);
      long pageMillis = (System.nanoTime() - started) / 1_000_000;
      assertThat(page.status()).isEqualTo(200);
      assertThat(page.json().getJsonArray("documents")).as("every evaluation ran out of budget: nothing readable").isEmpty();
      assertThat(page.json().getString("next")).as("the page's own budget ended it early").isNotNull();
      int pages = 1;
      for (String next = page.json().getString("next"); next != null; pages++) {
        JsonObject more = api.send("GET", listing + "&after=" + java.net.URLEncoder.encode(next, java.nio.charset.StandardCharsets.UTF_8),
            ann.token(), null).json();
        assertThat(more.getJsonArray("documents")).isEmpty();
        next = more.getString("next");
        assertThat(pages).isLessThan(250);
      }
      String metrics = api.send("GET", "/metrics", null, null).body();
      assertThat(metrics).contains("tether_rules_over_budget_total");

      Account bob = api.register();
      ExecutorService pool = Executors.newFixedThreadPool(10);
      List<Future<Integer>> heavy = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        heavy.add(pool.submit(() -> api.send("GET", listing, ann.token(), null).status()));
      }
      List<Long> latencies = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        long t = System.nanoTime();
        assertThat(api.send("GET", "/v1/me", bob.token(), null).status()).isEqualTo(200);
        latencies.add((System.nanoTime() - t) / 1_000);
      }
      for (Future<Integer> f : heavy) {
        assertThat(f.get(60, TimeUnit.SECONDS)).isEqualTo(200);
      }
      pool.shutdown();
      Collections.sort(latencies);
      System.out.printf("rule cost: 200 documents, each evaluation over budget, in %d pages; the first in %d ms; another"
          + " user's GET /v1/me during 10 first pages: p50 %.1f ms, max %.1f ms%n", pages, pageMillis,
          latencies.get(latencies.size() / 2) / 1000.0, latencies.get(latencies.size() - 1) / 1000.0);
    }
  }
}
