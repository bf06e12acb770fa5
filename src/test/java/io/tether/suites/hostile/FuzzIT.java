package io.tether.suites.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.tether.graphql.GraphQLApi;
import io.tether.support.ApiClient;
import io.tether.support.ApiClient.Account;
import io.tether.support.RawHttp;
import io.tether.support.TestCluster;
import io.tether.support.WsClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Issue 32: a bounded, seeded fuzz run over REST (raw HTTP, so nothing is cleaned up on the way),
 * sync frames and GraphQL frames, signed in and not. Its oracle: no 5xx, every request answered, no
 * uncaught exception or blocked-thread warning in the log, the process's RSS bounded, and a normal
 * client syncs correctly afterwards. {@code -Dfuzz.seed=N} replays a run; {@code -Dfuzz.cases=N} sizes it.
 */
class FuzzIT {
  private static final long SEED = Long.getLong("fuzz.seed", 32L);
  private static final int CASES = Integer.getInteger("fuzz.cases", 600);
  private static final String[] METHODS = {"GET", "PUT", "PATCH", "POST", "DELETE", "OPTIONS", "HEAD"};
  private static final String[] TYPES = {"application/json", "application/merge-patch+json", "text/plain",
      "application/x-www-form-urlencoded", "multipart/form-data; boundary=zz", "application/json; charset=latin1", ""};
  private static final String[] NASTY = {"%", "%z", "%00", "..", ".", "%2e%2e", "%2f", "a%", "ü", "%ff%fe", "x".repeat(300),
      "{}", "[", "\"", "'", "${x}", "\\", " ", "%20", "?", "#", ";", "*"};

  private final Random random = new Random(SEED);

  @Test
  void nothingAnAttackerSendsBreaksTheNode() throws Exception {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.start();
    root.addAppender(log);
    try (TestCluster cluster = TestCluster.single(new JsonObject()
        .put("limits", new JsonObject().put("ipRequestsPerSecond", 10_000).put("ipBurst", 10_000)
            .put("userRequestsPerSecond", 10_000).put("userBurst", 10_000)))) {
      ApiClient api = cluster.api();
      Account ann = api.register();
      String space = "fuzz-" + UUID.randomUUID().toString().substring(0, 8);
      api.createSpace(ann, space);
      api.send("PUT", "/v1/spaces/" + space + "/rules", ann.token(),
          "{\"collections\":{\"items\":{\"read\":\"data.a.exists(x, x == auth.userId) || true\"}}}");
      long rssBefore = rssKiB();
      long deadline = System.nanoTime() + 50_000_000_000L;
      int rest = 0;
      int frames = 0;
      List<String> fiveHundreds = new ArrayList<>();
      for (int i = 0; i < CASES && System.nanoTime() < deadline; i++) {
        String request = request(space, random.nextBoolean() ? ann.token() : null);
        String answer = RawHttp.exchange(cluster.node().port(), request.getBytes(StandardCharsets.UTF_8));
        rest++;
        assertThat(answer).as("answered: " + request).startsWith("HTTP/1.1 ");
        if (answer.startsWith("HTTP/1.1 5")) {
          fiveHundreds.add(request.lines().findFirst().orElse("") + " -> " + answer.lines().findFirst().orElse(""));
        }
      }
      WsClient sync = null;
      WsClient graphql = null;
      for (int i = 0; i < CASES / 2 && System.nanoTime() < deadline; i++) {
        if (sync == null || sync.isClosed()) {
          sync = WsClient.connect(cluster.vertx(), cluster.node().port(), random.nextInt(4) == 0 ? null : ann.token());
        }
        if (graphql == null || graphql.isClosed()) {
          graphql = WsClient.connect(cluster.vertx(), new WebSocketConnectOptions().setHost("127.0.0.1")
              .setPort(cluster.node().port()).setURI("/graphql").addSubProtocol(GraphQLApi.SUBPROTOCOL));
          if (random.nextBoolean()) {
            quietly(graphql, new JsonObject().put("type", "connection_init")
                .put("payload", new JsonObject().put("token", ann.token())).encode());
          }
        }
        quietly(sync, syncFrame(space));
        quietly(graphql, graphqlFrame(space));
        frames += 2;
      }
      if (sync != null) {
        sync.close();
      }
      if (graphql != null) {
        graphql.close();
      }
      assertThat(fiveHundreds).as("no 5xx (seed " + SEED + ")").isEmpty();

      // A normal client still syncs: subscribe, write, and the change arrives in order.
      Account bob = api.register();
      String after = "after-" + UUID.randomUUID().toString().substring(0, 8);
      api.createSpace(bob, after);
      try (WsClient client = WsClient.connect(cluster.vertx(), cluster.node().port(), bob.token())) {
        client.subscribe(after, 0, false);
        client.awaitType("synced");
        for (int i = 1; i <= 3; i++) {
          assertThat(api.put(bob, after, "items", "i" + i, new JsonObject().put("n", i)).status()).isEqualTo(201);
          assertThat(client.awaitType("change").getLong("seq")).isEqualTo(i);
        }
      }
      long rssAfter = rssKiB();
      List<String> bad = log.list.stream()
          .filter(e -> e.getThrowableProxy() != null || e.getLevel().isGreaterOrEqual(Level.ERROR)
              || e.getFormattedMessage().contains("has been blocked"))
          .map(e -> e.getLevel() + " " + e.getLoggerName() + ": " + e.getFormattedMessage())
          .toList();
      System.out.printf("fuzz seed %d: %d REST cases, %d socket frames, RSS %d -> %d KiB%n", SEED, rest, frames,
          rssBefore, rssAfter);
      assertThat(bad).as("no uncaught exception, error or blocked thread in the log").isEmpty();
      assertThat(rssAfter - rssBefore).as("RSS growth, KiB").isLessThan(512 * 1024);
    } finally {
      root.detachAppender(log);
    }
  }

  private static void quietly(WsClient ws, String text) {
    try {
      ws.sendRaw(text);
    } catch (AssertionError closed) {
      // the server closed it: a refusal is an answer
    }
  }

  private String pick(String[] options) {
    return options[random.nextInt(options.length)];
  }

  private String segment(String space) {
    return switch (random.nextInt(6)) {
      case 0 -> pick(NASTY);
      case 1 -> space;
      case 2 -> "items";
      case 3 -> "milk";
      case 4 -> Integer.toString(random.nextInt(1000));
      default -> pick(NASTY) + "x" + pick(NASTY);
    };
  }

  private String request(String space, String token) {
    String[] bases = {"/v1/spaces/" + space + "/documents/" + segment(space) + "/" + segment(space),
        "/v1/spaces/" + segment(space), "/v1/spaces/" + space + "/changes?since=" + segment(space),
        "/v1/spaces/" + space + "/documents?where=" + segment(space), "/v1/me/sessions/" + segment(space),
        "/v1/invites/" + segment(space) + "/accept", "/v1/auth/login?" + segment(space), "/graphql",
        "/v1/spaces/" + space + "/mutations", "/v1/spaces/" + space + "/members/" + segment(space), "/" + segment(space)};
    String target = pick(bases).replace(' ', '+').replace('#', '-');
    String body = body(space);
    String type = pick(TYPES);
    StringBuilder r = new StringBuilder(pick(METHODS)).append(' ').append(target).append(" HTTP/1.1\r\nHost: x\r\n");
    if (token != null) {
      r.append("Authorization: Bearer ").append(token).append("\r\n");
    }
    if (!type.isEmpty()) {
      r.append("Content-Type: ").append(type).append("\r\n");
    }
    if (random.nextInt(5) == 0) {
      r.append("If-Match: ").append(pick(new String[] {"\"1\"", "*", "x", "\"-1\"", "\"99999999999999999999\""})).append("\r\n");
    }
    if (random.nextInt(5) == 0) {
      r.append("X-Forwarded-For: ").append(pick(new String[] {"1.2.3.4", "::1", "garbage", "1.2.3.4, 5.6.7.8"})).append("\r\n");
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return r.append("Content-Length: ").append(bytes.length).append("\r\nConnection: close\r\n\r\n").append(body).toString();
  }

  private String body(String space) {
    return switch (random.nextInt(9)) {
      case 0 -> "";
      case 1 -> "{" + pick(NASTY);
      case 2 -> "[]";
      case 3 -> "{\"a\":" + "[".repeat(200) + "]".repeat(200) + "}";
      case 4 -> new JsonObject().put("title", pick(NASTY)).put("qty", random.nextInt()).encode();
      case 5 -> new JsonObject().put("mutations", new JsonArray().add(new JsonObject().put("mutationId", pick(NASTY))
          .put("op", pick(new String[] {"put", "patch", "delete", "x"})).put("collection", segment(space))
          .put("id", segment(space)).put("data", new JsonObject().put("a", new JsonArray().add(1))))).encode();
      case 6 -> new JsonObject().put("query", "{ " + pick(NASTY) + " }").encode();
      case 7 -> new JsonObject().put("role", pick(new String[] {"owner", "writer", "x", ""})).put("email", pick(NASTY)).encode();
      default -> "a=" + pick(NASTY) + "&b=%";
    };
  }

  private String syncFrame(String space) {
    String[] types = {"auth", "subscribe", "unsubscribe", "mutate", "presence", "signal", "ping", "nope"};
    return switch (random.nextInt(5)) {
      case 0 -> pick(NASTY);
      case 1 -> "[1,2]";
      default -> new JsonObject().put("type", pick(types)).put("id", random.nextBoolean() ? pick(NASTY) : 7)
          .put("space", random.nextBoolean() ? space : pick(NASTY)).put("since", random.nextInt(5) - 2)
          .put("token", pick(NASTY)).put("state", random.nextBoolean() ? new JsonObject().put("x", 1) : "s")
          .put("mutations", new JsonArray().add(new JsonObject().put("op", "put").put("collection", "items")
              .put("id", segment(space)).put("mutationId", "m" + random.nextInt(50)).put("data", new JsonObject())))
          .encode();
    };
  }

  private String graphqlFrame(String space) {
    String[] types = {"connection_init", "subscribe", "complete", "ping", "pong", "x"};
    return switch (random.nextInt(4)) {
      case 0 -> pick(NASTY);
      default -> new JsonObject().put("type", pick(types)).put("id", random.nextBoolean() ? "s" + random.nextInt(3) : 5)
          .put("payload", random.nextBoolean() ? new JsonObject().put("query",
              "subscription { changes(space: \"" + space + "\", since: 0) { seq } }") : pick(NASTY)).encode();
    };
  }

  private static long rssKiB() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }
}
