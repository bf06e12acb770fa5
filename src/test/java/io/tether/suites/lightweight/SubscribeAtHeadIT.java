package io.tether.suites.lightweight;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.support.ApiClient;
import io.tether.support.ApiClient.Account;
import io.tether.support.TestCluster;
import io.tether.support.WsClient;
import io.vertx.core.json.JsonObject;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 17: a socket that subscribes at the seq its node's feed has already delivered (most of a
 * reconnect storm) is served without reading the change log, and still gets every later change once.
 */
class SubscribeAtHeadIT {
  private static final Pattern CATCH_UPS = Pattern.compile("(?m)^tether_catchup_changes_count\\S* (\\d+(?:\\.\\d+)?)");
  private static TestCluster cluster;

  @BeforeAll
  static void start() {
    // One event loop: feeds are per loop, and the fast path needs the loop's feed already running.
    cluster = TestCluster.single(new JsonObject().put("http", new JsonObject().put("instances", 1)));
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  private static long catchUps() {
    Matcher m = CATCH_UPS.matcher(cluster.api().send("GET", "/metrics", null, null).body());
    return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
  }

  private static WsClient subscribe(Account who, String space, long since) {
    return WsClient.connect(cluster.vertx(), cluster.node().port(), who.token()).subscribe(space, since, false);
  }

  @Test
  void atTheFeedsHeadNoChangeLogReadBehindItACatchUp() {
    ApiClient api = cluster.api();
    Account owner = api.register();
    String space = "head-" + System.nanoTime();
    api.createSpace(owner, space);
    for (int i = 1; i <= 3; i++) {
      api.put(owner, space, "items", "d" + i, new JsonObject().put("n", i));
    }
    try (WsClient first = subscribe(owner, space, 0)) {
      assertThat(first.awaitType("synced").getLong("cursor")).isEqualTo(3);
      long before = catchUps();
      try (WsClient atHead = subscribe(owner, space, 3)) {
        assertThat(atHead.awaitType("synced").getLong("cursor")).isEqualTo(3);
        assertThat(catchUps()).as("no change-log read for a socket at the head").isEqualTo(before);

        api.put(owner, space, "items", "d4", new JsonObject().put("n", 4));
        assertThat(atHead.awaitType("change").getLong("seq")).isEqualTo(4);
        assertThat(first.awaitFrame(f -> "change".equals(f.getString("type")) && f.getLong("seq") == 4, 5)).isNotNull();

        try (WsClient behind = subscribe(owner, space, 1)) {
          assertThat(behind.awaitType("change").getLong("seq")).isEqualTo(2);
          assertThat(behind.awaitType("change").getLong("seq")).isEqualTo(3);
          assertThat(behind.awaitType("change").getLong("seq")).isEqualTo(4);
          assertThat(behind.awaitType("synced").getLong("cursor")).isEqualTo(4);
          assertThat(catchUps()).as("a socket behind the head reads the log").isGreaterThan(before);
        }
      }
    }
  }
}
