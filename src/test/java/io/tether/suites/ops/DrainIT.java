package io.tether.suites.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.support.ApiClient;
import io.tether.support.ApiClient.Account;
import io.tether.support.ApiClient.Response;
import io.tether.support.Await;
import io.tether.support.Ports;
import io.tether.support.TestDatabase;
import io.tether.support.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM to the packaged jar, with clients connected: it turns not-ready, stops accepting connections,
 * closes its sockets with 1012 spread over the window, finishes the request in flight and exits 0.
 * Its stdout, JSON lines, carries the request ids.
 */
class DrainIT {

  @Test
  void sigtermDrainsTheNodeAndExitsZero() throws Exception {
    Vertx vertx = Vertx.vertx();
    TestDatabase db = TestDatabase.create(vertx);
    Path log = Files.createTempFile("tether-drain-", ".log");
    int port = Ports.free();
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", Path.of("target", "tether.jar").toString()).redirectErrorStream(true).redirectOutput(log.toFile());
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(key -> key.startsWith("TETHER_"));
    env.putAll(Map.of("TETHER_PG_URL", db.url(), "TETHER_HTTP_PORT", String.valueOf(port),
        "TETHER_DRAIN_NOT_READY_SECONDS", "1", "TETHER_DRAIN_SOCKET_CLOSE_WINDOW_SECONDS", "2",
        "TETHER_DRAIN_TIMEOUT_SECONDS", "20", "TETHER_LOG_FORMAT", "json", "TETHER_AUTH_PASSWORD_ITERATIONS", "1000",
        "TETHER_LIMITS_USER_BURST", "100000", "TETHER_LIMITS_IP_BURST", "100000"));
    Process server = builder.start();
    List<WsClient> sockets = new ArrayList<>();
    try {
      ApiClient api = new ApiClient(port);
      awaitReady(api, server, log);
      // Health probes are not access-logged (they would drown the rest): the id travels on an ordinary request.
      assertThat(api.send("GET", "/openapi.yaml", null, null, "X-Request-Id", "drain-test-request").header("X-Request-Id"))
          .isEqualTo("drain-test-request");
      Account owner = api.register();
      String space = "drain-" + System.nanoTime();
      api.createSpace(owner, space);
      for (int i = 0; i < 10; i++) {
        WsClient ws = WsClient.connect(vertx, port, owner.token());
        ws.send(new JsonObject().put("type", "subscribe").put("space", space).put("since", 0));
        ws.awaitType("synced");
        sockets.add(ws);
      }
      JsonArray batch = new JsonArray();
      for (int i = 0; i < 500; i++) {
        batch.add(new JsonObject().put("mutationId", "m" + i).put("op", "put").put("collection", "c").put("id", "d" + i)
            .put("data", new JsonObject().put("i", i)));
      }
      CompletableFuture<Response> inFlight = CompletableFuture.supplyAsync(() -> api.send("POST",
          "/v1/spaces/" + space + "/mutations", owner.token(), new JsonObject().put("mutations", batch).encode()));
      Thread.sleep(100);

      long sigterm = System.currentTimeMillis();
      server.destroy(); // SIGTERM
      // Watched from now, beside the request in flight, so a slow batch on a loaded machine cannot delay the measurement.
      CompletableFuture<Long> refused = CompletableFuture.supplyAsync(() -> {
        try {
          return awaitRefused(port);
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      });
      // The signal is handled on the JVM's signal thread: allow it a moment, well inside the 1 s not-ready period.
      Response ready = api.send("GET", "/health/ready", null, null);
      while (ready.status() == 200 && System.currentTimeMillis() - sigterm < 700) {
        Thread.sleep(20);
        ready = api.send("GET", "/health/ready", null, null);
      }
      assertThat(ready.status()).as("not ready promptly").isEqualTo(503);
      assertThat(ready.body()).contains("draining");
      assertThat(api.send("GET", "/health/live", null, null).status()).isEqualTo(200);

      Response finished = inFlight.get(30, TimeUnit.SECONDS);
      assertThat(finished.status()).as("the request in flight finished").isEqualTo(200);
      assertThat(finished.json().getJsonArray("results")).hasSize(500);

      long refusedAt = refused.get(15, TimeUnit.SECONDS);
      assertThat(refusedAt - sigterm).as("stops accepting after the not-ready period").isBetween(900L, 4000L);

      List<Long> closedAt = new ArrayList<>();
      for (WsClient ws : sockets) {
        assertThat(ws.closeCode(10)).isEqualTo((short) 1012);
        closedAt.add(ws.closedAtMillis());
      }
      long first = closedAt.stream().mapToLong(Long::longValue).min().orElseThrow();
      long last = closedAt.stream().mapToLong(Long::longValue).max().orElseThrow();
      assertThat(last - first).as("closes spread over the 2 s window, not all at once").isGreaterThan(300);
      assertThat(last - sigterm).as("all closed by the end of the window").isLessThan(5000);
      assertThat(server.waitFor(20, TimeUnit.SECONDS)).as("exits within the bound").isTrue();
      assertThat(server.exitValue()).isZero();

      List<String> lines = Files.readAllLines(log).stream().filter(l -> !l.isBlank()).toList();
      assertThat(lines).isNotEmpty();
      lines.forEach(line -> assertThat(new JsonObject(line).getString("level")).as(line).isNotNull());
      assertThat(lines).anyMatch(l -> l.contains("\"requestId\":\"drain-test-request\"") && l.contains("tether.access"));
      assertThat(lines).anyMatch(l -> l.contains("Draining"));
      assertThat(lines).as("no access line for health probes").noneMatch(l -> l.contains("tether.access") && l.contains("health"));
    } finally {
      server.destroyForcibly();
      sockets.forEach(WsClient::close);
      db.close();
      Await.result(vertx.close());
    }
  }

  private static long awaitRefused(int port) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 8000;
    while (System.currentTimeMillis() < deadline) {
      try (Socket probe = new Socket("127.0.0.1", port)) {
        Thread.sleep(50);
      } catch (ConnectException refused) {
        return System.currentTimeMillis();
      } catch (java.io.IOException other) {
        return System.currentTimeMillis();
      }
    }
    throw new AssertionError("the node kept accepting connections");
  }

  private static void awaitReady(ApiClient api, Process server, Path log) throws Exception {
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline) {
      assertThat(server.isAlive()).as(Files.readString(log)).isTrue();
      try {
        if (api.send("GET", "/health/ready", null, null).status() == 200) {
          return;
        }
      } catch (AssertionError notYet) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new AssertionError("not ready in 60 s");
  }
}
