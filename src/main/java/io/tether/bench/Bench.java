package io.tether.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * {@code java -jar tether.jar bench <scenario> [flags]}: a load generator that speaks only the public
 * protocol, prints one JSON line per run (and appends it to {@code --out}), and stops by itself.
 */
public final class Bench {
  private Bench() {}

  public static void main(String[] args) {
    BenchOptions options;
    try {
      options = BenchOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    Vertx vertx = Vertx.vertx();
    run(vertx, options).onComplete(ar -> {
      int status = 0;
      if (ar.succeeded()) {
        System.out.println(ar.result().encode());
      } else {
        System.err.println("bench failed: " + ar.cause());
        status = 1;
      }
      int exit = status;
      vertx.close().onComplete(done -> System.exit(exit));
    });
  }

  /** Runs one scenario; its result line is appended to {@code --out} when given. */
  public static Future<JsonObject> run(Vertx vertx, BenchOptions o) {
    return scenario(vertx, o).onSuccess(result -> append(o.out(), result.encode()));
  }

  private static Future<JsonObject> scenario(Vertx vertx, BenchOptions o) {
    return switch (o.scenario()) {
      case "fanout", "spaces", "multinode" -> new FanoutBench(vertx, o).run();
      case "connections" -> new ConnectionsBench(vertx, o).run();
      case "writes" -> new WritesBench(vertx, o).run();
      case "catchup" -> new CatchupBench(vertx, o).run();
      case "listing" -> new ListingBench(vertx, o).run();
      case "presence" -> new PresenceBench(vertx, o).run();
      case "rules-change" -> new RulesChangeBench(vertx, o).run();
      default -> Future.failedFuture("unknown scenario " + o.scenario() + "\n" + BenchOptions.USAGE);
    };
  }

  /** One WebSocket client per loopback source address, so sockets are not capped by one address's ports. */
  static List<WebSocketClient> socketClients(Vertx vertx, BenchOptions o) {
    int sources = o.sources();
    List<WebSocketClient> clients = new ArrayList<>();
    for (int i = 1; i <= Math.max(1, sources); i++) {
      clients.add(vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(100_000)
          .setConnectTimeout(30_000).setLocalAddress("127.0.0." + i)
          // A presence_state of a big space is one large frame (about 80 bytes a member).
          .setMaxFrameSize(16 * 1024 * 1024).setMaxMessageSize(16 * 1024 * 1024)
          .setTryUsePerMessageCompression(o.deflate())));
    }
    return clients;
  }

  /** Runs {@code count} tasks with at most {@code parallel} in flight; fails on the first failure. */
  static <T> Future<List<T>> limited(int count, int parallel, IntFunction<Future<T>> task) {
    List<T> results = new ArrayList<>(java.util.Collections.nCopies(count, null));
    Promise<List<T>> done = Promise.promise();
    int[] next = {0};
    int[] finished = {0};
    Object lock = new Object();
    Runnable[] launch = new Runnable[1];
    launch[0] = () -> {
      int index;
      synchronized (lock) {
        if (next[0] >= count) {
          return;
        }
        index = next[0]++;
      }
      task.apply(index).onComplete(ar -> {
        if (ar.failed()) {
          done.tryFail(ar.cause());
          return;
        }
        boolean all;
        synchronized (lock) {
          results.set(index, ar.result());
          all = ++finished[0] == count;
        }
        if (all) {
          done.tryComplete(results);
        } else {
          launch[0].run();
        }
      });
    };
    if (count == 0) {
      return Future.succeededFuture(results);
    }
    for (int i = 0; i < Math.min(parallel, count); i++) {
      launch[0].run();
    }
    return done.future();
  }

  static double round(double value) {
    return Math.round(value * 100) / 100.0;
  }

  private static void append(String file, String line) {
    if (file == null) {
      return;
    }
    try {
      Files.writeString(Path.of(file), line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      System.err.println("could not append to " + file + ": " + e.getMessage());
    }
  }
}
