package io.tether.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/** Initial state: GET of a space's documents (one page) over many keep-alive connections. */
final class ListingBench {
  private final Vertx vertx;
  private final BenchOptions o;

  ListingBench(Vertx vertx, BenchOptions o) {
    this.vertx = vertx;
    this.o = o;
  }

  Future<JsonObject> run() {
    BenchApi api = new BenchApi(vertx, o.urls().get(0), o.concurrency());
    String space = "list-" + UUID.randomUUID().toString().substring(0, 8);
    JsonArray docs = new JsonArray();
    for (int i = 0; i < o.documents(); i++) {
      docs.add(new JsonObject().put("mutationId", "l" + i).put("op", "put").put("collection", "items").put("id", "d" + i)
          .put("data", new JsonObject().put("title", "item " + i).put("done", i % 2 == 0)));
    }
    AtomicLong requests = new AtomicLong();
    AtomicLong failures = new AtomicLong();
    return api.register()
        .compose(a -> api.createSpace(space))
        .compose(created -> api.mutations(space, docs))
        .compose(filled -> api.listingTag(space))
        .compose(etag -> {
          long endAt = System.nanoTime() + o.durationSeconds() * 1_000_000_000L;
          return Bench.limited(o.concurrency(), o.concurrency(), i -> o.conditional()
              ? conditionalLoop(api, space, etag, endAt, requests, failures)
              : loop(api, space, endAt, requests, failures));
        })
        .map(done -> new JsonObject().put("scenario", "listing").put("conditional", o.conditional())
            .put("documents", o.documents())
            .put("connections", o.concurrency()).put("requests", requests.get()).put("failures", failures.get())
            .put("requestsPerSecond", Bench.round(requests.get() / (double) o.durationSeconds())))
        .eventually(api::close);
  }

  /** A phone that already has the space asks again: If-None-Match, expecting 304. */
  private Future<Void> conditionalLoop(BenchApi api, String space, String etag, long endAt, AtomicLong requests,
                                       AtomicLong failures) {
    if (System.nanoTime() >= endAt) {
      return Future.succeededFuture();
    }
    return api.listIfChanged(space, etag).transform(ar -> {
      (ar.succeeded() && ar.result() == 304 ? requests : failures).incrementAndGet();
      return conditionalLoop(api, space, etag, endAt, requests, failures);
    });
  }

  private Future<Void> loop(BenchApi api, String space, long endAt, AtomicLong requests, AtomicLong failures) {
    if (System.nanoTime() >= endAt) {
      return Future.succeededFuture();
    }
    return api.list(space).transform(ar -> {
      (ar.succeeded() && ar.result().getJsonArray("documents").size() == o.documents() ? requests : failures).incrementAndGet();
      return loop(api, space, endAt, requests, failures);
    });
  }
}
