package io.tether;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.support.ApiClient;
import io.tether.support.ApiClient.Account;
import io.tether.support.Ports;
import io.tether.support.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged jar, started as a newcomer starts it: no PostgreSQL or Redis configured. It must run
 * an embedded PostgreSQL, serve a write and a live subscription end to end, and keep its data across
 * a restart.
 */
class EmbeddedModeIT {
  private static Vertx vertx;
  private static Path dataDir;

  @BeforeAll
  static void setUp() throws IOException {
    vertx = Vertx.vertx();
    dataDir = Files.createTempDirectory("tether-embedded-");
  }

  @AfterAll
  static void tearDown() throws IOException {
    vertx.close();
    try (var paths = Files.walk(dataDir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Test
  void theJarAloneServesWritesAndSubscriptionsAndKeepsItsData() throws Exception {
    int port = Ports.free();
    ApiClient api = new ApiClient(port);
    Account owner;
    String space = "embedded-" + System.nanoTime();
    Process server = start(port);
    try {
      owner = api.register();
      assertThat(api.createSpace(owner, space).status()).isEqualTo(201);
      try (WsClient ws = WsClient.connect(vertx, port, owner.token())) {
        ws.send(new JsonObject().put("type", "subscribe").put("space", space).put("since", 0));
        assertThat(ws.next(20).getString("type")).isEqualTo("synced");
        assertThat(api.put(owner, space, "todos", "t1", new JsonObject().put("title", "offline-first")).status())
            .isEqualTo(201);
        JsonObject change = ws.awaitType("change");
        assertThat(change.getLong("seq")).isEqualTo(1);
        assertThat(change.getJsonObject("data").getString("title")).isEqualTo("offline-first");
      }
    } finally {
      stop(server);
    }

    Process restarted = start(port);
    try {
      ApiClient.Response login = api.send("POST", "/v1/auth/login", null, new JsonObject()
          .put("email", "unused").put("password", "unused").encode());
      assertThat(login.status()).isEqualTo(401);
      ApiClient.Response doc = api.send("GET", "/v1/spaces/" + space + "/documents/todos/t1", owner.token(), null);
      assertThat(doc.status()).as("the data folder survives a restart").isEqualTo(200);
      assertThat(doc.json().getJsonObject("data").getString("title")).isEqualTo("offline-first");
    } finally {
      stop(restarted);
    }
  }

  private static Process start(int port) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", Path.of("target", "tether.jar").toString());
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(key -> key.startsWith("TETHER_"));
    env.put("TETHER_HTTP_PORT", Integer.toString(port));
    env.put("TETHER_DATA_DIR", dataDir.toString());
    env.put("TETHER_AUTH_PASSWORD_ITERATIONS", "1000");
    builder.redirectErrorStream(true).redirectOutput(dataDir.resolve("server.log").toFile());
    Process process = builder.start();
    ApiClient api = new ApiClient(port);
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("server exited: " + Files.readString(dataDir.resolve("server.log")));
      }
      try {
        if (api.send("GET", "/health/ready", null, null).status() == 200) {
          return process;
        }
      } catch (AssertionError notYet) {
        // not listening yet
      }
      TimeUnit.MILLISECONDS.sleep(250);
    }
    process.destroyForcibly();
    throw new AssertionError("server not ready in 120 s: " + Files.readString(dataDir.resolve("server.log")));
  }

  private static void stop(Process process) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
      throw new AssertionError("server did not stop within 30 s of SIGTERM");
    }
  }
}
