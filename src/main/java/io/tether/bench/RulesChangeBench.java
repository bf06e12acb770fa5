package io.tether.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * rules-change: a space of {@code --documents} documents whose rules let everyone read everything,
 * {@code --subscribers} live sockets, then rules that hide half the documents: how long until every
 * socket has been told (its leaves, then the cursor at the rules change's seq), and what it cost the
 * server.
 */
final class RulesChangeBench {
  private static final JsonObject ALL = rules("data.n >= 0");
  private static final JsonObject HALF = rules("data.n % 2 == 0");

  private final Vertx vertx;
  private final BenchOptions o;
  private final AtomicLong leaves = new AtomicLong();
  private volatile long target = Long.MAX_VALUE;

  RulesChangeBench(Vertx vertx, BenchOptions o) {
    this.vertx = vertx;
    this.o = o;
  }

  private static JsonObject rules(String read) {
    return new JsonObject().put("collections", new JsonObject().put("items", new JsonObject().put("read", read)));
  }

  Future<JsonObject> run() {
    BenchApi api = new BenchApi(vertx, o.urls().get(0), 16);
    List<WebSocketClient> clients = Bench.socketClients(vertx, o);
    String space = "bench-rules-" + UUID.randomUUID().toString().substring(0, 8);
    int batches = (o.documents() + 499) / 500;
    return api.register()
        .compose(a -> api.createSpace(space))
        .compose(created -> api.setRules(space, ALL))
        .compose(set -> Bench.limited(batches, 1, b -> api.mutations(space, batch(b))))
        .compose(seeded -> api.list(space).map(listing -> listing.getLong("cursor")))
        .compose(head -> Bench.limited(o.subscribers(), 256, i -> open(clients.get(i % clients.size()), api.token(), space, head)))
        .compose(told -> {
          ServerProcess server = new ServerProcess(o.serverPid());
          ServerProcess.Sample before = server.sample();
          long started = System.nanoTime();
          return api.setRules(space, HALF).compose(set -> {
            target = set.getLong("seq");
            return Future.all(told.stream().map(Promise::future).toList());
          }).map(all -> new JsonObject()
              .put("scenario", o.scenario())
              .put("subscribers", o.subscribers())
              .put("documents", o.documents())
              .put("leaves", leaves.get())
              .put("msUntilEveryoneWasTold", Bench.round((System.nanoTime() - started) / 1e6))
              .put("server", ServerProcess.cost(before, server.sample(), o.subscribers(), "Subscriber")));
        })
        .eventually(api::close);
  }

  private JsonArray batch(int b) {
    JsonArray mutations = new JsonArray();
    for (int i = b * 500; i < Math.min(o.documents(), (b + 1) * 500); i++) {
      mutations.add(new JsonObject().put("mutationId", "m" + i).put("op", "put").put("collection", "items").put("id", "d" + i)
          .put("data", new JsonObject().put("n", i).put("pad", "x".repeat(200))));
    }
    return mutations;
  }

  /** A subscribed socket, once synced; its promise completes when the cursor of the rules change arrives. */
  private Future<Promise<Void>> open(WebSocketClient client, String token, String space, long since) {
    URI uri = URI.create(o.urls().get(0));
    Promise<Void> synced = Promise.promise();
    Promise<Void> told = Promise.promise();
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost(uri.getHost()).setPort(uri.getPort())
        .setURI("/v1/sync").addHeader("Authorization", "Bearer " + token).setAllowOriginHeader(false);
    return client.connect(options).compose(ws -> {
      ws.textMessageHandler(text -> {
        JsonObject frame = new JsonObject(text);
        switch (frame.getString("type")) {
          case "synced" -> synced.tryComplete();
          case "change" -> {
            if ("leave".equals(frame.getString("op"))) {
              leaves.incrementAndGet();
            }
          }
          case "cursor" -> {
            if (frame.getLong("seq") >= target) {
              told.tryComplete();
              ws.close();
            }
          }
          default -> { }
        }
      });
      ws.closeHandler(v -> synced.tryFail("closed " + ws.closeStatusCode()));
      return ws.writeTextMessage(new JsonObject().put("type", "subscribe").put("space", space).put("since", since)
          .put("presence", false).encode());
    }).compose(v -> synced.future()).map(told);
  }
}
