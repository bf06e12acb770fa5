package io.tether.suites.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.tether.graphql.GraphQLApi;
import io.tether.support.ApiClient;
import io.tether.support.ApiClient.Account;
import io.tether.support.TestCluster;
import io.tether.support.WsClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Issue 32, item 19: malformed graphql-transport-ws messages close with 4400 and one log line, before or after auth. */
class GraphQLFramesIT {
  private static TestCluster cluster;
  private static ApiClient api;

  @BeforeAll
  static void start() {
    cluster = TestCluster.single(new JsonObject());
    api = cluster.api();
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  private static WsClient open() {
    return WsClient.connect(cluster.vertx(), new WebSocketConnectOptions().setHost("127.0.0.1")
        .setPort(cluster.node().port()).setURI("/graphql").addSubProtocol(GraphQLApi.SUBPROTOCOL));
  }

  @Test
  void malformedMessagesCloseWith4400AndLogOneLineEach() {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.start();
    root.addAppender(captured);
    try {
      String[] bad = {"x", "[1]", "{\"type\":5}", "{\"type\":\"nope\"}", "{\"type\":\"subscribe\",\"id\":7}",
          "{\"type\":\"subscribe\",\"id\":\"a\",\"payload\":[]}", "{\"type\":\"subscribe\",\"id\":\"a\",\"payload\":{\"query\":1}}",
          "{\"type\":\"connection_init\",\"payload\":\"t\"}", "{\"type\":\"complete\"}", "null", "{}"};
      for (String message : bad) {
        try (WsClient ws = open()) {
          try {
            for (int i = 0; i < 20; i++) {
              ws.sendRaw(message); // a burst: one line per socket, not one per message
            }
          } catch (AssertionError closedUnderTheBurst) {
            // the server closed it part-way: what the test wants
          }
          assertThat(ws.closeCode(5)).as(message).isEqualTo((short) 4400);
        }
      }
      long errors = captured.list.stream().filter(e -> e.getThrowableProxy() != null
          || e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.WARN)).count();
      assertThat(errors).as("no stack traces, no warnings").isZero();
      long lines = captured.list.stream().filter(e -> e.getFormattedMessage().contains("Closed a GraphQL socket")).count();
      assertThat(lines).as("one line per socket").isEqualTo(bad.length);
    } finally {
      root.detachAppender(captured);
    }
  }

  @Test
  void aSecondConnectionInitCloses4429AndAGoodSocketStillWorks() {
    Account user = api.register();
    try (WsClient ws = open()) {
      JsonObject init = new JsonObject().put("type", "connection_init").put("payload", new JsonObject().put("token", user.token()));
      ws.send(init);
      assertThat(ws.awaitType("connection_ack")).isNotNull();
      ws.send(new JsonObject().put("type", "ping"));
      assertThat(ws.awaitType("pong")).isNotNull();
      ws.send(init);
      assertThat(ws.closeCode(5)).isEqualTo((short) 4429);
    }
  }
}
