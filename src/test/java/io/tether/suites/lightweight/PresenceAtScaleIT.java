package io.tether.suites.lightweight;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.support.ApiClient;
import io.tether.support.ApiClient.Account;
import io.tether.support.ApiClient.Response;
import io.tether.support.TestCluster;
import io.tether.support.WsClient;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 17: a join storm into one space costs each socket a bounded list and a count, not every join.
 * With presence.maxListed = 5, thirty users joining at once are seen by an observer as at most five
 * listed members plus a count that reaches 31, in a handful of frames.
 */
class PresenceAtScaleIT {
  private static final int LISTED = 5;
  private static final int JOINING = 30;
  private static TestCluster cluster;

  @BeforeAll
  static void start() {
    cluster = TestCluster.single(new JsonObject().put("presence", new JsonObject().put("maxListed", LISTED)));
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  /** An observer's view: listed members and the count, from presence frames; also what they cost it. */
  private static final class View {
    final Map<String, JsonObject> listed = new HashMap<>();
    int count;
    int frames;
    int bytes;
    int mostListed;

    void apply(JsonObject f) {
      frames++;
      bytes += f.encode().length();
      if ("presence_state".equals(f.getString("type"))) {
        listed.clear();
        f.getJsonArray("members").forEach(m -> listed.put(((JsonObject) m).getString("userId"), (JsonObject) m));
      } else {
        f.getJsonArray("joins").forEach(m -> listed.put(((JsonObject) m).getString("userId"), (JsonObject) m));
        f.getJsonArray("updates").forEach(m -> listed.put(((JsonObject) m).getString("userId"), (JsonObject) m));
        f.getJsonArray("leaves").forEach(m -> listed.remove(((JsonObject) m).getString("userId")));
      }
      count = f.getInteger("count");
      mostListed = Math.max(mostListed, listed.size());
    }

    void awaitCount(WsClient ws, int expected) {
      while (count != expected) {
        apply(ws.awaitFrame(f -> f.getString("type").startsWith("presence_"), 10));
      }
    }
  }

  private static WsClient subscribe(Account who, String space) {
    return WsClient.connect(cluster.vertx(), cluster.node().port(), who.token()).subscribe(space, 0, true);
  }

  @Test
  void aJoinStormShowsABoundedListAndACount() {
    ApiClient api = cluster.api();
    Account owner = api.register();
    String space = "crowd-" + System.nanoTime();
    api.createSpace(owner, space);
    List<Account> crowd = new ArrayList<>();
    for (int i = 0; i < JOINING; i++) {
      Account a = api.register();
      api.addMember(owner, space, a.userId(), "reader");
      crowd.add(a);
    }
    List<WsClient> sockets = new ArrayList<>();
    try (WsClient observer = subscribe(owner, space)) {
      View seen = new View();
      seen.apply(observer.awaitType("presence_state"));
      seen.awaitCount(observer, 1); // the state is what was last sent; the observer's own join follows
      seen.frames = 0;
      seen.bytes = 0;

      crowd.forEach(a -> sockets.add(subscribe(a, space)));
      seen.awaitCount(observer, JOINING + 1);
      System.out.println("PRESENCE-DETAIL 30 joins seen by an observer in " + seen.frames + " frames, " + seen.bytes + " bytes");
      assertThat(seen.mostListed).as("never more than the listed members").isLessThanOrEqualTo(LISTED);
      assertThat(seen.listed).hasSize(LISTED).containsKey(owner.userId());
      // The first places go to the first joiners; after that only the count moves, once a second at most.
      assertThat(seen.frames).as("presence frames the observer got for 30 joins").isLessThanOrEqualTo(15);
      assertThat(seen.bytes).as("presence bytes the observer got").isLessThan(5_000);

      // A late socket gets the same bounded picture.
      Account late = crowd.get(JOINING - 1);
      try (WsClient lateWs = subscribe(late, space)) {
        JsonObject state = lateWs.awaitType("presence_state");
        assertThat(state.getJsonArray("members")).hasSize(LISTED);
        assertThat(state.getInteger("count")).isEqualTo(JOINING + 1);
      }

      Response rest = api.send("GET", "/v1/spaces/" + space + "/presence", owner.token(), null);
      assertThat(rest.json().getInteger("count")).isEqualTo(JOINING + 1);
      assertThat(rest.json().getJsonArray("members")).hasSize(LISTED);

      // A listed member leaves: their place goes to someone still here.
      String leaving = seen.listed.keySet().stream().filter(id -> !id.equals(owner.userId())).findFirst().orElseThrow();
      int index = crowd.stream().map(Account::userId).toList().indexOf(leaving);
      sockets.get(index).close();
      seen.awaitCount(observer, JOINING);
      while (seen.listed.size() < LISTED) {
        seen.apply(observer.awaitFrame(f -> f.getString("type").startsWith("presence_"), 10));
      }
      assertThat(seen.listed).doesNotContainKey(leaving).hasSize(LISTED);
    } finally {
      sockets.forEach(WsClient::close);
    }
  }
}
