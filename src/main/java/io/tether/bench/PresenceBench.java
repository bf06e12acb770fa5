package io.tether.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * presence: {@code --subscribers} users, one socket each, join one space at once (how long until an
 * observer sees them all, and how much presence traffic that costs each socket); then the observer
 * sends {@code --rate} signals a second for {@code --duration} seconds to all of them (delivery and
 * latency); then half of them leave (how long until the observer sees it).
 */
final class PresenceBench {
  private static final long SETTLE_TIMEOUT_MILLIS = 60_000;

  private final Vertx vertx;
  private final BenchOptions o;
  private final Recorder latency = new Recorder(3_600_000_000L, 3);

  PresenceBench(Vertx vertx, BenchOptions o) {
    this.vertx = vertx;
    this.o = o;
  }

  Future<JsonObject> run() {
    BenchApi owner = new BenchApi(vertx, o.urls().get(0), 32);
    List<WebSocketClient> clients = Bench.socketClients(vertx, o);
    String space = "presence-" + UUID.randomUUID().toString().substring(0, 8);
    int n = o.subscribers();
    JsonObject result = new JsonObject().put("scenario", "presence").put("sockets", n);
    return owner.register()
        .compose(a -> owner.createSpace(space))
        .compose(created -> Bench.limited(n, 16, i -> owner.registerUser()))
        .compose(users -> Bench.limited(n, 16, i -> owner.addMember(space, users.get(i).getString("userId"), "writer"))
            .map(added -> users))
        .compose(users -> PresenceSocket.open(clients.get(0), o.urls().get(0), owner.token(), space, latency)
            .compose(observer -> {
              ServerProcess server = new ServerProcess(o.serverPid());
              ServerProcess.Sample before = server.sample();
              long started = System.nanoTime();
              return Bench.limited(n, 256, i -> PresenceSocket.open(clients.get(i % clients.size()),
                      o.urls().get(i % o.urls().size()), users.get(i).getString("accessToken"), space, latency))
                  .compose(sockets -> until(() -> observer.memberCount() == n + 1).map(v -> {
                    double seconds = (System.nanoTime() - started) / 1e9;
                    long frames = sockets.stream().mapToLong(PresenceSocket::presenceFrames).sum();
                    long bytes = sockets.stream().mapToLong(PresenceSocket::presenceBytes).sum();
                    result.put("joinSecondsUntilObserverSeesAll", Bench.round(seconds))
                        .put("presenceFramesPerSocketDuringJoin", Bench.round((double) frames / n))
                        .put("presenceBytesPerSocketDuringJoin", bytes / n)
                        .put("join", ServerProcess.cost(before, server.sample(), n, "Socket"));
                    return sockets;
                  }))
                  .compose(sockets -> signals(observer, sockets, space, result).map(sockets))
                  .compose(sockets -> {
                    long leaving = System.nanoTime();
                    List<PresenceSocket> half = sockets.subList(0, n / 2);
                    return Future.join(half.stream().map(PresenceSocket::close).toList())
                        .compose(closed -> until(() -> observer.memberCount() == n - n / 2 + 1))
                        .map(v -> result.put("leaveSecondsUntilObserverSeesIt", Bench.round((System.nanoTime() - leaving) / 1e9)))
                        .eventually(() -> Future.join(sockets.stream().map(PresenceSocket::close).toList()));
                  })
                  .eventually(observer::close);
            }))
        .map(done -> result)
        .eventually(owner::close);
  }

  private Future<Void> signals(PresenceSocket observer, List<PresenceSocket> sockets, String space, JsonObject result) {
    long total = Math.max(1, Math.round(o.writesPerSecond() * o.durationSeconds()));
    long intervalMillis = Math.max(1, Math.round(1000 / o.writesPerSecond()));
    latency.reset();
    Promise<Void> sent = Promise.promise();
    long[] count = {0};
    vertx.setPeriodic(intervalMillis, id -> {
      if (count[0]++ >= total) {
        vertx.cancelTimer(id);
        sent.tryComplete();
      } else {
        observer.signal(space);
      }
    });
    long expected = total * sockets.size();
    return sent.future()
        .compose(v -> until(() -> sockets.stream().mapToLong(PresenceSocket::signals).sum() >= expected)
            .recover(err -> Future.succeededFuture())) // a shortfall is reported below, not thrown
        .map(v -> {
          long delivered = sockets.stream().mapToLong(PresenceSocket::signals).sum();
          Histogram h = latency.getIntervalHistogram();
          result.put("signalsSent", total).put("signalDeliveriesExpected", expected).put("signalDeliveries", delivered)
              .put("signalLatencyMs", new JsonObject()
                  .put("p50", Bench.round(h.getValueAtPercentile(50) / 1000.0))
                  .put("p99", Bench.round(h.getValueAtPercentile(99) / 1000.0))
                  .put("max", Bench.round(h.getMaxValue() / 1000.0)));
          return null;
        });
  }

  /** Completes when {@code condition} holds, checked every 10 ms; fails after a minute. */
  private Future<Void> until(BooleanSupplier condition) {
    Promise<Void> done = Promise.promise();
    long deadline = System.currentTimeMillis() + SETTLE_TIMEOUT_MILLIS;
    vertx.setPeriodic(10, id -> {
      if (condition.getAsBoolean()) {
        vertx.cancelTimer(id);
        done.tryComplete();
      } else if (System.currentTimeMillis() > deadline) {
        vertx.cancelTimer(id);
        done.tryFail("not settled within " + SETTLE_TIMEOUT_MILLIS + " ms");
      }
    });
    return done.future();
  }
}
