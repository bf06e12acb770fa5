package io.tether.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.support.Await;
import io.tether.support.TestCluster;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every benchmark scenario at a tiny size against real nodes: the tool works and loses nothing (speed is not checked). */
class BenchSmokeIT {
  private static TestCluster cluster;
  private static String urls;

  @BeforeAll
  static void start() {
    // The tool holds all its sockets as one user: lift the per-user socket cap, as the README's commands do.
    cluster = TestCluster.nodes(2, new JsonObject().put("server", new JsonObject().put("adminToken", "bench-admin-token-1"))
        .put("sync", new JsonObject().put("maxConnectionsPerUser", 100_000)));
    urls = "http://127.0.0.1:" + cluster.node(0).port() + ",http://127.0.0.1:" + cluster.node(1).port();
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  private static JsonObject bench(String... args) {
    return Await.result(Bench.run(cluster.vertx(), BenchOptions.parse(args)), 120);
  }

  private static String one() {
    return "http://127.0.0.1:" + cluster.node(0).port();
  }

  @Test
  void fanoutSpacesAndMultinodeDeliverEverythingOnce() throws Exception {
    Path out = Files.createTempFile("bench-", ".jsonl");
    JsonObject fanout = bench("fanout", "--url", one(), "--subscribers", "20", "--rate", "50", "--duration", "2",
        "--out", out.toString());
    assertThat(fanout.getLong("writes")).isPositive();
    assertThat(fanout.getLong("deliveries")).isEqualTo(20 * fanout.getLong("writes"));
    assertThat(fanout.getLong("lost")).isZero();
    assertThat(fanout.getLong("duplicated")).isZero();
    assertThat(fanout.getJsonObject("latencyMs").getDouble("p99")).isPositive();

    JsonObject filtered = bench("fanout", "--url", one(), "--subscribers", "20", "--rate", "50", "--duration", "2",
        "--query", "true");
    JsonObject distinct = bench("fanout", "--url", one(), "--subscribers", "20", "--rate", "50", "--duration", "2",
        "--query", "distinct");
    assertThat(distinct.getLong("deliveries")).isEqualTo(20 * distinct.getLong("writes"));
    assertThat(distinct.getLong("lost")).isZero();
    assertThat(filtered.getString("query")).isEqualTo("true");
    assertThat(filtered.getLong("deliveries")).isEqualTo(20 * filtered.getLong("writes"));
    assertThat(filtered.getLong("lost")).isZero();
    JsonObject ruled = bench("fanout", "--url", one(), "--subscribers", "20", "--rate", "50", "--duration", "2",
        "--query", "true", "--rules", "true");
    assertThat(ruled.getBoolean("rules")).isTrue();
    assertThat(ruled.getLong("writes")).isPositive();
    assertThat(ruled.getLong("deliveries")).as("the rule lets each of the 20 users see every write")
        .isEqualTo(20 * ruled.getLong("writes"));
    assertThat(ruled.getLong("lost")).isZero();
    assertThat(ruled.getLong("duplicated")).isZero();
    JsonObject rulesChange = bench("rules-change", "--url", one(), "--subscribers", "5", "--documents", "50");
    assertThat(rulesChange.getLong("leaves")).as("half the documents leave each subscriber").isEqualTo(5 * 25);
    assertThat(rulesChange.getDouble("msUntilEveryoneWasTold")).isPositive();

    JsonObject spaces = bench("spaces", "--url", one(), "--spaces", "5", "--subscribers", "3", "--rate", "50", "--duration", "2",
        "--sources", "2");
    assertThat(spaces.getLong("deliveries")).isEqualTo(3 * spaces.getLong("writes"));
    assertThat(spaces.getLong("lost")).isZero();

    JsonObject multinode = bench("multinode", "--url", urls, "--subscribers", "20", "--rate", "50", "--duration", "2");
    assertThat(multinode.getInteger("nodes")).isEqualTo(2);
    assertThat(multinode.getLong("deliveries")).isEqualTo(20 * multinode.getLong("writes"));
    assertThat(multinode.getLong("lost")).isZero();
    assertThat(multinode.getLong("duplicated")).isZero();
    assertThat(Files.readAllLines(out)).hasSize(1).allMatch(line -> new JsonObject(line).getString("scenario").equals("fanout"));
  }

  @Test
  void presenceSeesEveryoneDeliversEverySignalAndSeesHalfLeave() {
    JsonObject presence = bench("presence", "--url", urls, "--subscribers", "20", "--rate", "10", "--duration", "1");
    assertThat(presence.getInteger("sockets")).isEqualTo(20);
    assertThat(presence.getDouble("joinSecondsUntilObserverSeesAll")).isPositive();
    assertThat(presence.getDouble("presenceFramesPerSocketDuringJoin")).isGreaterThanOrEqualTo(1);
    assertThat(presence.getLong("signalDeliveries")).isEqualTo(presence.getLong("signalDeliveriesExpected"))
        .isEqualTo(20 * presence.getLong("signalsSent"));
    assertThat(presence.getDouble("leaveSecondsUntilObserverSeesIt")).isPositive();
  }

  @Test
  void connectionsWritesCatchupAndListing() {
    JsonObject connections = bench("connections", "--url", one(), "--connections", "50", "--duration", "1",
        "--admin-token", "bench-admin-token-1");
    assertThat(connections.getInteger("opened")).isEqualTo(50);
    assertThat(connections.getJsonObject("server").getLong("rssBytes")).isPositive();

    JsonObject writes = bench("writes", "--url", one(), "--writers", "2", "--duration", "2",
        "--pg-url", cluster.db().url());
    assertThat(writes.getLong("writes")).isPositive();
    assertThat(writes.getLong("failures")).isZero();
    assertThat(writes.getDouble("pgbenchTransactionsPerSecond")).isPositive();
    assertThat(writes.getDouble("ratioToPgbench")).isPositive();

    JsonObject catchup = bench("catchup", "--url", one(), "--changes", "2000");
    assertThat(catchup.getLong("received")).isEqualTo(2000);
    assertThat(catchup.getLong("lost")).isZero();
    assertThat(catchup.getLong("duplicated")).isZero();

    JsonObject listing = bench("listing", "--url", one(), "--documents", "20", "--concurrency", "4", "--duration", "1");
    assertThat(listing.getLong("requests")).isPositive();
    assertThat(listing.getLong("failures")).isZero();
    JsonObject conditional = bench("listing", "--url", one(), "--documents", "20", "--concurrency", "4", "--duration", "1",
        "--conditional", "true");
    assertThat(conditional.getLong("requests")).as("all answered 304").isPositive();
    assertThat(conditional.getLong("failures")).isZero();
  }
}
