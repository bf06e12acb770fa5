package io.tether.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import org.HdrHistogram.Recorder;

/** A subscriber reconnecting with a cursor N changes behind: time to {@code synced}, changes/s. */
final class CatchupBench {
  private static final int BATCH = 500;

  private final Vertx vertx;
  private final BenchOptions o;

  CatchupBench(Vertx vertx, BenchOptions o) {
    this.vertx = vertx;
    this.o = o;
  }

  Future<JsonObject> run() {
    BenchApi api = new BenchApi(vertx, o.urls().get(0), 8);
    String space = "catchup-" + UUID.randomUUID().toString().substring(0, 8);
    int batches = (o.changes() + BATCH - 1) / BATCH;
    return api.register()
        .compose(a -> api.createSpace(space))
        .compose(created -> Bench.limited(batches, 4, b -> api.mutations(space, batch(b))))
        .compose(filled -> {
          long started = System.nanoTime();
          return BenchSubscriber.open(Bench.socketClients(vertx, o).get(0), o.urls().get(0), api.token(), space, 0,
              o.presence(), new Recorder(3)).map(subscriber -> {
                double seconds = (subscriber.syncedAtNanos() - started) / 1e9;
                subscriber.close();
                return new JsonObject().put("scenario", "catchup").put("changesBehind", o.changes())
                    .put("received", subscriber.received()).put("secondsToSynced", Bench.round(seconds))
                    .put("changesPerSecond", Bench.round(subscriber.received() / seconds))
                    .put("lost", subscriber.lost(o.changes())).put("duplicated", subscriber.duplicated());
              });
        })
        .eventually(api::close);
  }

  private JsonArray batch(int index) {
    JsonArray batch = new JsonArray();
    for (int i = index * BATCH; i < Math.min(o.changes(), (index + 1) * BATCH); i++) {
      batch.add(new JsonObject().put("mutationId", "c" + i).put("op", "put").put("collection", "items")
          .put("id", "d" + (i % 1000)).put("data", new JsonObject().put("n", i)));
    }
    return batch;
  }
}
