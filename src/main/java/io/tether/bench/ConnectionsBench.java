package io.tether.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;
import org.HdrHistogram.Recorder;

/** N idle sockets, each subscribed to a space; what they cost the server, read from its admin stats after a GC. */
final class ConnectionsBench {
  private final Vertx vertx;
  private final BenchOptions o;

  ConnectionsBench(Vertx vertx, BenchOptions o) {
    this.vertx = vertx;
    this.o = o;
  }

  Future<JsonObject> run() {
    BenchApi api = new BenchApi(vertx, o.urls().get(0), 8);
    List<WebSocketClient> clients = Bench.socketClients(vertx, o);
    String space = "conn-" + UUID.randomUUID().toString().substring(0, 8);
    Recorder unused = new Recorder(3);
    JsonObject result = new JsonObject().put("scenario", "connections").put("target", o.connections());
    return api.register()
        .compose(a -> api.createSpace(space))
        .compose(created -> memory(api))
        .compose(before -> {
          ServerProcess server = new ServerProcess(o.serverPid());
          ServerProcess.Sample cpuBefore = server.sample();
          long started = System.nanoTime();
          return Bench.limited(o.connections(), o.concurrency(), i -> BenchSubscriber.open(clients.get(i % clients.size()),
                  o.urls().get(0), api.token(), space, 0, o.presence(), unused))
              .compose(subscribers -> {
                double seconds = (System.nanoTime() - started) / 1e9;
                org.HdrHistogram.Histogram connect = new org.HdrHistogram.Histogram(3);
                subscribers.forEach(s -> connect.recordValue(Math.max(0, s.connectToSyncedNanos() / 1000)));
                result.put("opened", subscribers.size()).put("inFlight", o.concurrency())
                    .put("deflateOffered", o.deflate())
                    .put("deflateNegotiated", subscribers.stream().filter(BenchSubscriber::deflate).count())
                    .put("secondsToOpenAndSync", Bench.round(seconds))
                    .put("connectionsPerSecond", Bench.round(subscribers.size() / seconds))
                    .put("connectToSyncedMs", new JsonObject()
                        .put("p50", connect.getValueAtPercentile(50) / 1000.0)
                        .put("p99", connect.getValueAtPercentile(99) / 1000.0)
                        .put("max", connect.getMaxValue() / 1000.0))
                    .put("open", ServerProcess.cost(cpuBefore, server.sample(), subscribers.size(), "Socket"));
                return memory(api).map(after -> {
                  if (before != null && after != null) {
                    long n = subscribers.size();
                    result.put("server", new JsonObject()
                        .put("heapAfterGcBytesBefore", before.getLong("heapAfterGcBytes"))
                        .put("heapAfterGcBytesAfter", after.getLong("heapAfterGcBytes"))
                        .put("heapBytesPerSocket", (after.getLong("heapAfterGcBytes") - before.getLong("heapAfterGcBytes")) / n)
                        .put("rssBytesPerSocket", (after.getLong("rssBytes") - before.getLong("rssBytes")) / n)
                        .put("rssBytes", after.getLong("rssBytes")));
                  }
                  return subscribers;
                });
              })
              .compose(subscribers -> {
                // Optionally keep the sockets open a while (to inspect the server), bounded like everything here.
                io.vertx.core.Promise<Void> held = io.vertx.core.Promise.promise();
                vertx.setTimer(Math.max(1, o.durationSeconds() * 1000L), id -> held.complete());
                return held.future().compose(v -> Future.join(subscribers.stream().map(BenchSubscriber::close).toList()));
              });
        })
        .map(closed -> result)
        .eventually(api::close);
  }

  private Future<JsonObject> memory(BenchApi api) {
    if (o.adminToken() == null) {
      return Future.succeededFuture(null);
    }
    return api.adminStats(o.adminToken(), true).map(stats -> stats.getJsonObject("memory"));
  }
}
