package io.tether.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.support.ApiClient;
import io.tether.support.ApiClient.Account;
import io.tether.support.Await;
import io.tether.support.TestDatabase;
import io.tether.support.TestNode;
import io.tether.support.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * 4 writers x 250 writes (puts, merge patches, deletes on 20 contended documents) to one space, while 3
 * subscribers join at different moments with different cursors. Each must see exactly seq since+1..N,
 * once each, in order, and end with the database's documents. Run with the local and the Redis bus.
 */
class OrderingUnderConcurrencyIT {
  private static final int WRITERS = 4;
  private static final int WRITES_EACH = 250;

  @ParameterizedTest(name = "redis bus: {0}")
  @ValueSource(booleans = {false, true})
  void everySubscriberSeesEveryChangeOnceInOrder(boolean redis) throws Exception {
    Vertx vertx = Vertx.vertx();
    TestDatabase db = TestDatabase.create(vertx);
    TestNode node = TestNode.start(db, redis ? "tether-order-" + UUID.randomUUID() + ":" : null, new JsonObject());
    ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
    List<WsClient> sockets = new ArrayList<>();
    try {
      ApiClient api = new ApiClient(node.port());
      Account owner = api.register();
      String space = "order-" + System.nanoTime();
      api.createSpace(owner, space);

      Subscriber first = Subscriber.join(vertx, node.port(), owner, space, 0, Map.of());
      sockets.add(first.ws);

      AtomicInteger done = new AtomicInteger();
      List<Future<?>> writers = new ArrayList<>();
      for (int w = 0; w < WRITERS; w++) {
        int writer = w;
        writers.add(pool.submit(() -> write(api, owner, space, writer, done)));
      }
      waitFor(() -> done.get() >= 250);
      // The second joins mid-stream with a cursor from the change log, and its state at that cursor.
      JsonObject log = api.send("GET", "/v1/spaces/" + space + "/changes?since=0&limit=1000", owner.token(), null).json();
      long since2 = log.getLong("cursor") / 2;
      Map<String, JsonObject> state2 = new HashMap<>();
      for (Object c : log.getJsonArray("changes")) {
        if (((JsonObject) c).getLong("seq") <= since2) {
          apply(state2, (JsonObject) c);
        }
      }
      Subscriber second = Subscriber.join(vertx, node.port(), owner, space, since2, state2);
      sockets.add(second.ws);

      waitFor(() -> done.get() >= 600);
      // The third joins like a fresh app: list the documents, subscribe from the listing's cursor.
      Map<String, JsonObject> state3 = new HashMap<>();
      long since3 = -1;
      String next = "";
      while (next != null) {
        JsonObject page = api.send("GET", "/v1/spaces/" + space + "/documents?includeDeleted=true&limit=7"
            + (next.isEmpty() ? "" : "&after=" + next), owner.token(), null).json();
        since3 = since3 < 0 ? page.getLong("cursor") : since3;
        for (Object d : page.getJsonArray("documents")) {
          JsonObject doc = (JsonObject) d;
          state3.merge(doc.getString("collection") + "/" + doc.getString("id"), doc,
              (a, b) -> a.getLong("version") >= b.getLong("version") ? a : b);
        }
        next = page.getString("next");
      }
      Subscriber third = Subscriber.join(vertx, node.port(), owner, space, since3, state3);
      sockets.add(third.ws);

      for (Future<?> writer : writers) {
        writer.get(120, TimeUnit.SECONDS);
      }
      long head = Await.result(db.pool().preparedQuery("SELECT seq FROM spaces WHERE id = $1").execute(Tuple.of(space)))
          .iterator().next().getLong(0);
      assertThat(head).isGreaterThan(WRITERS * WRITES_EACH / 2);

      Map<String, JsonObject> database = new HashMap<>();
      for (Row row : Await.result(db.pool().preparedQuery("SELECT collection, id, version, data, deleted FROM documents WHERE space_id = $1")
          .execute(Tuple.of(space)))) {
        database.put(row.getString(0) + "/" + row.getString(1), new JsonObject().put("version", row.getLong(2))
            .put("data", row.getValue(3)).put("deleted", row.getBoolean(4)));
      }
      for (Subscriber s : List.of(first, second, third)) {
        s.receiveUntil(head);
        assertThat(s.seqs).as("subscriber since %d", s.since)
            .containsExactlyElementsOf(LongStream.rangeClosed(s.since + 1, head).boxed().toList());
        assertThat(s.documents()).as("subscriber since %d ends with the database's documents", s.since)
            .isEqualTo(database);
        assertThat(s.ws.drain(200)).as("nothing after the head").isEmpty();
      }
    } finally {
      pool.shutdownNow();
      sockets.forEach(WsClient::close);
      node.close();
      db.close();
      Await.result(vertx.close());
    }
  }

  private static void write(ApiClient api, Account owner, String space, int writer, AtomicInteger done) {
    for (int i = 0; i < WRITES_EACH; i++) {
      String path = "/v1/spaces/" + space + "/documents/items/d" + ((i * 7 + writer) % 20);
      int kind = (i + writer) % 10;
      ApiClient.Response r;
      if (kind < 6) {
        r = api.send("PUT", path, owner.token(), new JsonObject().put("w", writer).put("i", i)
            .put("nested", new JsonObject().put("k" + writer, i)).encode());
      } else if (kind < 9) {
        r = api.send("PATCH", path, owner.token(), new JsonObject().put("patchedBy", writer)
            .put("nested", new JsonObject().put("p" + writer, i)).encode(), "Content-Type", "application/merge-patch+json");
      } else {
        r = api.send("DELETE", path, owner.token(), null);
      }
      assertThat(r.status()).as(r.body()).isIn(200, 201, 404);
      done.incrementAndGet();
    }
  }

  private static void apply(Map<String, JsonObject> state, JsonObject change) {
    state.put(change.getString("collection") + "/" + change.getString("id"), new JsonObject()
        .put("version", change.getLong("version")).put("data", change.getValue("data"))
        .put("deleted", change.getBoolean("deleted")));
  }

  private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 60_000;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("timed out");
      }
      TimeUnit.MILLISECONDS.sleep(5);
    }
  }

  /** A socket subscribed from a cursor, with the local copy an app would keep. */
  private static final class Subscriber {
    final WsClient ws;
    final long since;
    final List<Long> seqs = new ArrayList<>();
    final Map<String, JsonObject> state = new HashMap<>();

    private Subscriber(WsClient ws, long since, Map<String, JsonObject> initial) {
      this.ws = ws;
      this.since = since;
      initial.forEach((key, doc) -> state.put(key, new JsonObject().put("version", doc.getLong("version"))
          .put("data", doc.getValue("data")).put("deleted", doc.getBoolean("deleted"))));
    }

    static Subscriber join(Vertx vertx, int port, Account who, String space, long since, Map<String, JsonObject> initial) {
      WsClient ws = WsClient.connect(vertx, port, who.token());
      ws.send(new JsonObject().put("type", "subscribe").put("id", "sub").put("space", space).put("since", since)
          .put("presence", false));
      return new Subscriber(ws, since, initial);
    }

    void receiveUntil(long head) {
      boolean synced = false;
      while (seqs.isEmpty() || seqs.get(seqs.size() - 1) < head || !synced) {
        JsonObject frame = ws.next(30);
        switch (frame.getString("type")) {
          case "change" -> {
            seqs.add(frame.getLong("seq"));
            String key = frame.getString("collection") + "/" + frame.getString("id");
            JsonObject known = state.get(key);
            // A listing page may already hold a newer version than a replayed change: keep the newer.
            if (known == null || known.getLong("version") < frame.getLong("version")) {
              apply(state, frame);
            }
          }
          case "synced" -> synced = true;
          default -> throw new AssertionError("unexpected frame " + frame);
        }
        if (seqs.isEmpty() && synced && since == head) {
          return;
        }
      }
    }

    Map<String, JsonObject> documents() {
      return state;
    }
  }
}
