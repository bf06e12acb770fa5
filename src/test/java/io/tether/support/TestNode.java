package io.tether.support;

import io.tether.NodeAssembly;
import io.tether.RunningNode;
import io.tether.config.ConfigLoader;
import io.tether.config.TetherConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/** A real Tether node on its own port and Vert.x instance, started exactly as Main starts one. */
public final class TestNode implements AutoCloseable {
  public static final String REDIS_URL = System.getenv().getOrDefault("TETHER_TEST_REDIS_URL", "redis://127.0.0.1:6379");

  private final Vertx vertx;
  private final RunningNode running;
  private final int port;

  private TestNode(Vertx vertx, RunningNode running, int port) {
    this.vertx = vertx;
    this.running = running;
    this.port = port;
  }

  /** A node on {@code db}; {@code redisPrefix} non-null selects the Redis bus with that channel prefix. */
  public static TestNode start(TestDatabase db, String redisPrefix, JsonObject overrides) {
    int port = Ports.free();
    JsonObject config = new JsonObject()
        .put("http", new JsonObject().put("port", port).put("host", "127.0.0.1").put("instances", 2))
        .put("pg", new JsonObject().put("url", db.url()).put("poolSize", 4))
        .put("auth", new JsonObject().put("passwordIterations", 1000))
        // Tests drive thousands of requests from one address; the rate-limit tests set their own.
        .put("limits", new JsonObject().put("userRequestsPerSecond", 100_000).put("userBurst", 100_000)
            .put("ipRequestsPerSecond", 100_000).put("ipBurst", 100_000).put("loginAttemptsPerMinute", 100_000));
    if (redisPrefix != null) {
      config.put("redis", new JsonObject().put("url", REDIS_URL).put("channelPrefix", redisPrefix));
    }
    config.mergeIn(overrides, true);
    return launch(config, port);
  }

  private static TestNode launch(JsonObject config, int port) {
    TetherConfig resolved = ConfigLoader.resolve(config, Map.of());
    String registry = "tether-test-" + java.util.UUID.randomUUID();
    Vertx vertx = Vertx.vertx(NodeAssembly.vertxOptions(resolved, registry));
    RunningNode running = Await.result(NodeAssembly.start(vertx, resolved, registry));
    return new TestNode(vertx, running, port);
  }

  /** A node on whatever PostgreSQL and Redis {@code config} names (private instances a test controls). */
  public static TestNode startWith(JsonObject config) {
    int port = Ports.free();
    JsonObject base = new JsonObject()
        .put("http", new JsonObject().put("port", port).put("host", "127.0.0.1").put("instances", 2))
        .put("auth", new JsonObject().put("passwordIterations", 1000));
    return launch(base.mergeIn(config, true), port);
  }

  public static TestNode start(TestDatabase db) {
    return start(db, null, new JsonObject());
  }

  public int port() {
    return port;
  }

  public Vertx vertx() {
    return vertx;
  }

  public RunningNode running() {
    return running;
  }

  @Override
  public void close() {
    Await.result(running.stop());
    Await.result(vertx.close());
  }
}
