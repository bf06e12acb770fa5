package io.tether.ops;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Live counters of each API verticle instance, read on the instance's own event loop (its state is
 * confined there), for the admin stats endpoint.
 */
public final class InstanceStats {
  private record Source(Context context, Supplier<JsonObject> read) {}

  private final Map<String, Source> sources = new ConcurrentHashMap<>();

  public void register(String instance, Context context, Supplier<JsonObject> read) {
    sources.put(instance, new Source(context, read));
  }

  public void unregister(String instance) {
    sources.remove(instance);
  }

  public Future<JsonArray> collect() {
    var reads = sources.entrySet().stream().map(e -> {
      Promise<JsonObject> promise = Promise.promise();
      e.getValue().context().runOnContext(v -> promise.complete(e.getValue().read().get().put("instance", e.getKey())));
      return promise.future();
    }).toList();
    return Future.all(reads).map(all -> {
      JsonArray out = new JsonArray();
      for (int i = 0; i < all.size(); i++) {
        out.add(all.resultAt(i));
      }
      return out;
    });
  }
}
