package io.tether.suites.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.graphql.GraphQLApi;
import io.tether.support.ApiClient;
import io.tether.support.ApiClient.Account;
import io.tether.support.Await;
import io.tether.support.RawFrames;
import io.tether.support.TestCluster;
import io.tether.support.WsClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, item 1: a GraphQL subscriber that never reads is lagged like a native one (it does not
 * make the server hold the change log for it), and GraphQL sockets count against
 * sync.maxConnectionsPerUser.
 */
class GraphQLSocketsIT {
  private static TestCluster cluster;
  private static ApiClient api;

  @BeforeAll
  static void start() {
    cluster = TestCluster.single(new JsonObject().put("sync", new JsonObject().put("maxConnectionsPerUser", 2)));
    api = cluster.api();
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  private static WsClient graphql(Account user) {
    WsClient ws = WsClient.connect(cluster.vertx(), new WebSocketConnectOptions().setHost("127.0.0.1")
        .setPort(cluster.node().port()).setURI("/graphql").addSubProtocol(GraphQLApi.SUBPROTOCOL));
    ws.send(new JsonObject().put("type", "connection_init").put("payload", new JsonObject().put("token", user.token())));
    return ws;
  }

  @Test
  void graphqlSocketsCountAgainstTheUsersSockets() {
    Account user = api.register();
    try (WsClient first = graphql(user);
         WsClient nativeOne = WsClient.connect(cluster.vertx(), cluster.node().port(), user.token())) {
      assertThat(first.awaitType("connection_ack")).isNotNull();
      try (WsClient third = graphql(user)) {
        assertThat(third.closeCode(5)).isEqualTo((short) 4029);
      }
      assertThat(first.isClosed()).isFalse();
    }
    // Closing them gives the places back.
    Await.until("the places are free again", 5, () -> {
      try (WsClient again = graphql(user)) {
        return again.awaitFrame(f -> "connection_ack".equals(f.getString("type")), 2) != null;
      } catch (AssertionError notYet) {
        return false;
      }
    });
  }

  @Test
  void aSubscriberThatDoesNotReadIsLaggedInsteadOfBuffered() throws Exception {
    Account owner = api.register();
    String space = "gql-lag";
    api.createSpace(owner, space);
    try (Socket raw = new Socket()) {
      raw.setReceiveBufferSize(4096);
      raw.connect(new InetSocketAddress("127.0.0.1", cluster.node().port()));
      OutputStream out = raw.getOutputStream();
      java.io.InputStream in = raw.getInputStream();
      RawFrames.upgrade(out, in, "/graphql", "Sec-WebSocket-Protocol: " + GraphQLApi.SUBPROTOCOL);
      // Reads the connection_ack (subscribing before it is refused), and nothing after.
      raw.setSoTimeout(10_000);
      StringBuilder seen = new StringBuilder();
      out.write(RawFrames.text(new JsonObject().put("type", "connection_init")
          .put("payload", new JsonObject().put("token", owner.token())).encode()));
      out.flush();
      while (!seen.toString().contains("connection_ack")) {
        int b = in.read();
        assertThat(b).as("the server hung up: " + seen).isNotNegative();
        seen.append((char) b);
      }
      out.write(RawFrames.text(new JsonObject().put("id", "s").put("type", "subscribe").put("payload", new JsonObject()
          .put("query", "subscription($space: ID!) { changes(space: $space, since: 0) { kind change { seq data } } }")
          .put("variables", new JsonObject().put("space", space))).encode()));
      out.flush();
      // Never reads a byte: the changes pile up in the kernel's buffers, then in the server's queue.
      JsonObject big = new JsonObject().put("blob", "x".repeat(200_000));
      int[] written = {0};
      Await.until("the subscription is counted as lagging", 90, () -> {
        for (int i = 0; i < 10; i++) {
          api.put(owner, space, "docs", "d" + written[0]++, big);
        }
        return api.send("GET", "/metrics", null, null).body().lines()
            .anyMatch(l -> l.matches("^tether_slow_consumers_total\\S* [1-9].*"));
      });
      System.out.printf("hostile: a GraphQL subscriber that reads nothing was lagged after %d changes of 200 KB (%d MB)%n",
          written[0], written[0] / 5);
      // Still a working node for everyone else.
      assertThat(api.put(owner, space, "docs", "after", new JsonObject()).status()).isEqualTo(201);
    }
  }

}
