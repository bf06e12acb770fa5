package io.tether.suites.security;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import io.tether.support.ApiClient;
import io.tether.support.Await;
import io.tether.support.TestDatabase;
import io.tether.support.TestNode;
import io.tether.support.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Everything the server logs, at every level, while secrets flow through every path that handles them. */
class SecretsInLogsIT {

  @Test
  void passwordsAndTokensNeverReachTheLogs() {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Level previous = root.getLevel();
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.start();
    root.addAppender(captured);
    root.setLevel(Level.DEBUG);
    Vertx vertx = Vertx.vertx();
    TestDatabase db = TestDatabase.create(vertx);
    String password = "Sup3r-Secret-Passw0rd-" + System.nanoTime();
    String access;
    String refresh;
    String second;
    try (TestNode node = TestNode.start(db)) {
      ApiClient api = new ApiClient(node.port());
      String email = "secret-" + System.nanoTime() + "@example.test";
      JsonObject registered = api.send("POST", "/v1/auth/register", null,
          new JsonObject().put("email", email).put("password", password).encode()).json();
      access = registered.getString("accessToken");
      refresh = registered.getString("refreshToken");
      api.send("POST", "/v1/auth/login", null, new JsonObject().put("email", email).put("password", password + "x").encode());
      api.send("POST", "/v1/auth/register", null, new JsonObject().put("email", email).put("password", password).encode());
      second = api.send("POST", "/v1/auth/refresh", null, new JsonObject().put("refreshToken", refresh).encode())
          .json().getString("refreshToken");
      api.send("POST", "/v1/auth/refresh", null, new JsonObject().put("refreshToken", refresh).encode()); // reuse
      api.send("GET", "/v1/spaces/x", access + "tampered", null);
      try (WsClient ws = WsClient.connect(vertx, new WebSocketConnectOptions().setHost("127.0.0.1").setPort(node.port())
          .setURI("/v1/sync?access_token=" + access))) {
        ws.send(new JsonObject().put("type", "auth").put("token", access));
        ws.awaitType("authenticated");
        ws.send(new JsonObject().put("type", "auth").put("token", access + "x"));
        ws.closeCode(5);
      }
    } finally {
      db.close();
      Await.result(vertx.close());
      root.detachAppender(captured);
      root.setLevel(previous);
    }
    List<String> lines = captured.list.stream().map(e -> e.getFormattedMessage()
        + (e.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(e.getThrowableProxy()))).toList();
    assertThat(lines).isNotEmpty();
    String signature = access.substring(access.lastIndexOf('.') + 1);
    for (String line : lines) {
      assertThat(line).doesNotContain(password).doesNotContain(signature).doesNotContain(refresh).doesNotContain(second);
    }
  }
}
