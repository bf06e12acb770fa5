package io.tether.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * fanout (one space, many subscribers), spaces (many spaces, few subscribers each) and multinode
 * (subscribers spread over several nodes): a paced writer, every subscriber checked for continuity.
 */
final class FanoutBench {
  /** A one-condition query every write of {@link #write} matches: the filter is evaluated, nothing is skipped. */
  private static final JsonObject EVERY_WRITE = everyWrite(0);

  /** {@code n >= -bound}: true of every write, and a query of its own for each bound. */
  private static JsonObject everyWrite(int bound) {
    return new JsonObject().put("collection", "items").put("where", new io.vertx.core.json.JsonArray()
        .add(new io.vertx.core.json.JsonArray().add("n").add(">=").add(-bound)));
  }

  private JsonObject query(int subscriber) {
    return switch (o.query()) {
      case "true" -> EVERY_WRITE;
      case "distinct" -> everyWrite(subscriber);
      case "false" -> null;
      default -> throw new IllegalArgumentException("--query takes true, distinct or false");
    };
  }

  private static final int MAX_IN_FLIGHT_WRITES = 256;

  /**
   * With {@code --rules}: a read rule that depends on the user (so a change is judged once per user on
   * each event loop) and lets every subscriber see every write, so deliveries equal an unfiltered run's.
   */
  private static final JsonObject RULES = new JsonObject().put("collections", new JsonObject().put("items",
      new JsonObject().put("read", "data.team == 'all' || data.owner == auth.userId")));

  private final Vertx vertx;
  private final BenchOptions o;
  private final Recorder latency = new Recorder(3_600_000_000L, 3);

  FanoutBench(Vertx vertx, BenchOptions o) {
    this.vertx = vertx;
    this.o = o;
  }

  Future<JsonObject> run() {
    BenchApi api = new BenchApi(vertx, o.urls().get(0), 64);
    List<WebSocketClient> clients = Bench.socketClients(vertx, o);
    String prefix = "bench-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    int spaces = o.scenario().equals("spaces") ? o.spaces() : 1;
    int total = spaces * o.subscribers();
    long openStarted = System.nanoTime();
    return api.register()
        .compose(a -> Bench.limited(spaces, 16, i -> api.createSpace(prefix + i)))
        .compose(created -> tokens(api, prefix, spaces, total))
        .compose(tokens -> Bench.limited(total, 256, i -> BenchSubscriber.open(clients.get(i % clients.size()),
            o.urls().get(i % o.urls().size()), tokens.get(i), prefix + (i % spaces), o.rules() ? 1 : 0, o.presence(),
            query(i), latency)))
        .compose(subscribers -> {
          double openSeconds = (System.nanoTime() - openStarted) / 1e9;
          latency.reset();
          ServerProcess server = new ServerProcess(o.serverPid());
          ServerProcess.Sample before = server.sample();
          return write(api, prefix, spaces).compose(heads -> awaitDelivered(subscribers, heads, spaces)
              .map(elapsed -> result(subscribers, heads, spaces, elapsed, openSeconds)
                  .put("server", ServerProcess.cost(before, server.sample(), deliveries(subscribers), "Delivery"))))
              .eventually(() -> Future.join(subscribers.stream().map(BenchSubscriber::close).toList()));
        })
        .eventually(api::close);
  }

  /**
   * Each subscriber's token: the generator's own, or with {@code --rules} a user of its own, a writer
   * of its space, after the rules are set (at seq 1, so subscribers start from 1).
   */
  private Future<List<String>> tokens(BenchApi api, String prefix, int spaces, int total) {
    if (!o.rules()) {
      return Future.succeededFuture(java.util.Collections.nCopies(total, api.token()));
    }
    return Bench.limited(spaces, 16, i -> api.setRules(prefix + i, RULES))
        .compose(set -> Bench.limited(total, 16, i -> api.registerUser()
            .compose(user -> api.addMember(prefix + (i % spaces), user.getString("userId"), "writer")
                .map(added -> user.getString("accessToken")))));
  }

  /** Writes at the configured rate for the configured time; completes with the last seq of each space. */
  private Future<AtomicLongArray> write(BenchApi api, String prefix, int spaces) {
    AtomicLongArray heads = new AtomicLongArray(spaces);
    AtomicLong inFlight = new AtomicLong();
    AtomicLong issued = new AtomicLong();
    Promise<AtomicLongArray> done = Promise.promise();
    long started = System.nanoTime();
    long endAt = started + o.durationSeconds() * 1_000_000_000L;
    double perTick = o.writesPerSecond() / 100.0;
    double[] credit = {0};
    vertx.setPeriodic(10, id -> {
      long now = System.nanoTime();
      if (now >= endAt) {
        vertx.cancelTimer(id);
        finishWhenIdle(inFlight, done, heads);
        return;
      }
      credit[0] += perTick;
      while (credit[0] >= 1 && inFlight.get() < MAX_IN_FLIGHT_WRITES) {
        credit[0] -= 1;
        int space = (int) (issued.getAndIncrement() % spaces);
        inFlight.incrementAndGet();
        api.put(prefix + space, "d" + ThreadLocalRandom.current().nextInt(100), new JsonObject().put("n", issued.get())
                .put("team", "all"))
            .onComplete(ar -> {
              inFlight.decrementAndGet();
              if (ar.succeeded()) {
                heads.accumulateAndGet(space, ar.result().getLong("seq"), Math::max);
              }
            });
      }
    });
    return done.future();
  }

  private void finishWhenIdle(AtomicLong inFlight, Promise<AtomicLongArray> done, AtomicLongArray heads) {
    if (inFlight.get() == 0) {
      done.complete(heads);
    } else {
      vertx.setTimer(5, id -> finishWhenIdle(inFlight, done, heads));
    }
  }

  /** Waits until every subscriber has its space's head, or 30 s; completes with the seconds since the writes began. */
  private Future<Double> awaitDelivered(List<BenchSubscriber> subscribers, AtomicLongArray heads, int spaces) {
    long started = System.nanoTime() - o.durationSeconds() * 1_000_000_000L;
    long deadline = System.nanoTime() + 30_000_000_000L;
    Promise<Double> done = Promise.promise();
    vertx.setPeriodic(5, id -> {
      boolean all = true;
      for (int i = 0; i < subscribers.size() && all; i++) {
        all = subscribers.get(i).lastSeq() >= heads.get(i % spaces);
      }
      if (all || System.nanoTime() > deadline) {
        vertx.cancelTimer(id);
        done.complete((System.nanoTime() - started) / 1e9);
      }
    });
    return done.future();
  }

  private static long deliveries(List<BenchSubscriber> subscribers) {
    return subscribers.stream().mapToLong(BenchSubscriber::received).sum();
  }

  private JsonObject result(List<BenchSubscriber> subscribers, AtomicLongArray heads, int spaces, double elapsed,
                            double openSeconds) {
    long deliveries = 0;
    long lost = 0;
    long duplicated = 0;
    long writes = 0;
    for (int i = 0; i < spaces; i++) {
      writes += heads.get(i) - (o.rules() ? 1 : 0); // with --rules seq 1 set them
    }
    for (int i = 0; i < subscribers.size(); i++) {
      BenchSubscriber s = subscribers.get(i);
      deliveries += s.received();
      lost += s.lost(heads.get(i % spaces));
      duplicated += s.duplicated();
    }
    Histogram h = latency.getIntervalHistogram();
    return new JsonObject()
        .put("scenario", o.scenario())
        .put("nodes", o.urls().size())
        .put("spaces", spaces)
        .put("subscribersPerSpace", o.subscribers())
        .put("subscribers", subscribers.size())
        .put("secondsToOpenAndSync", Bench.round(openSeconds))
        .put("targetWritesPerSecond", o.writesPerSecond())
        .put("writes", writes)
        .put("writesPerSecond", Bench.round(writes / (double) o.durationSeconds()))
        .put("query", o.query())
        .put("rules", o.rules())
        .put("deflateOffered", o.deflate())
        .put("deflateNegotiated", subscribers.stream().filter(BenchSubscriber::deflate).count())
        .put("deliveries", deliveries)
        .put("deliveriesPerSecond", Bench.round(deliveries / elapsed))
        .put("latencyMs", new JsonObject()
            .put("p50", h.getValueAtPercentile(50) / 1000.0)
            .put("p90", h.getValueAtPercentile(90) / 1000.0)
            .put("p99", h.getValueAtPercentile(99) / 1000.0)
            .put("max", h.getMaxValue() / 1000.0))
        .put("lost", lost)
        .put("duplicated", duplicated);
  }
}
