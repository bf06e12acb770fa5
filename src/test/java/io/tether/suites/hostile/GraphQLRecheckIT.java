package io.tether.suites.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.graphql.GraphQLApi;
import io.tether.support.ApiClient;
import io.tether.support.ApiClient.Account;
import io.tether.support.TestCluster;
import io.tether.support.WsClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 32, item 7: a GraphQL subscription asks again, every {@code sync.membershipRecheckSeconds},
 * whether its user may still read the space, as a native one does, so a removal or a demotion whose
 * bus notice was lost ends it. The notice is "lost" by changing the membership in PostgreSQL directly.
 */
class GraphQLRecheckIT {
  private static TestCluster cluster;
  private static ApiClient api;

  @BeforeAll
  static void start() {
    cluster = TestCluster.single(new JsonObject().put("sync", new JsonObject().put("membershipRecheckSeconds", 1)));
    api = cluster.api();
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  private static WsClient subscribed(Account who, String space) {
    WsClient ws = WsClient.connect(cluster.vertx(), new WebSocketConnectOptions().setHost("127.0.0.1")
        .setPort(cluster.node().port()).setURI("/graphql").addSubProtocol(GraphQLApi.SUBPROTOCOL));
    ws.send(new JsonObject().put("type", "connection_init").put("payload", new JsonObject().put("token", who.token())));
    ws.awaitType("connection_ack");
    ws.send(new JsonObject().put("id", "s").put("type", "subscribe").put("payload", new JsonObject()
        .put("query", "subscription($space: ID!, $since: Long!) { changes(space: $space, since: $since) { kind } }")
        .put("variables", new JsonObject().put("space", space)
            .put("since", api.send("GET", "/v1/spaces/" + space, who.token(), null).json().getLong("seq")))));
    ws.awaitFrame(f -> f.getString("type").equals("next")
        && "SYNCED".equals(f.getJsonObject("payload").getJsonObject("data").getJsonObject("changes").getString("kind")), 15);
    return ws;
  }

  private static void sql(String statement, Object... args) {
    cluster.db().pool().preparedQuery(statement).execute(Tuple.from(args)).toCompletionStage().toCompletableFuture().join();
  }

  @Test
  void aRemovalTheBusNeverToldEndsTheSubscription() {
    Account ann = api.register();
    Account bob = api.register();
    String space = "gr-" + UUID.randomUUID().toString().substring(0, 8);
    api.createSpace(ann, space);
    api.addMember(ann, space, bob.userId(), "writer");
    try (WsClient ws = subscribed(bob, space)) {
      sql("DELETE FROM members WHERE space_id = $1 AND user_id = $2", space, bob.userId());
      JsonObject ended = ws.awaitFrame(f -> f.getString("type").equals("error") || f.getString("type").equals("complete"), 10);
      assertThat(ended.getString("type")).as(ended.encode()).isEqualTo("error");
      assertThat(ended.encode()).contains("no longer a member");
    }
  }

  @Test
  void aDemotionUnderReadRulesSendsTheSubscriberToReload() {
    Account ann = api.register();
    Account bob = api.register();
    String space = "gr-" + UUID.randomUUID().toString().substring(0, 8);
    api.createSpace(ann, space);
    api.addMember(ann, space, bob.userId(), "writer");
    api.send("PUT", "/v1/spaces/" + space + "/rules", ann.token(), "{\"default\":{\"read\":\"role != 'reader'\"}}");
    try (WsClient ws = subscribed(bob, space)) {
      sql("UPDATE members SET role = 'reader' WHERE space_id = $1 AND user_id = $2", space, bob.userId());
      JsonObject told = ws.awaitFrame(f -> f.getString("type").equals("next") && "RESYNC_REQUIRED".equals(
          f.getJsonObject("payload").getJsonObject("data").getJsonObject("changes").getString("kind")), 10);
      assertThat(told).isNotNull();
    }
  }
}
