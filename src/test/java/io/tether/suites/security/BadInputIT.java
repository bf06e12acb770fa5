package io.tether.suites.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.support.ApiClient;
import io.tether.support.ApiClient.Account;
import io.tether.support.ApiClient.Response;
import io.tether.support.Await;
import io.tether.support.RawHttp;
import io.tether.support.TestDatabase;
import io.tether.support.TestNode;
import io.tether.support.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Hostile and broken input over REST and WebSocket. Each case asserts its status or close code and
 * error body; afterwards the target space is byte-for-byte unchanged, and a well-behaved client that
 * wrote and listened on the same node the whole time lost nothing.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BadInputIT {
  private static Vertx vertx;
  private static TestDatabase db;
  private static TestNode node;
  private static ApiClient api;
  private static Account attacker;
  private static String target;
  private static String docPath;
  private static JsonObject before;
  private static Bystander bystander;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    db = TestDatabase.create(vertx);
    node = TestNode.start(db, null, new JsonObject().put("sync", new JsonObject().put("maxFrameBytes", 64 * 1024)));
    api = new ApiClient(node.port());
    attacker = api.register();
    target = "target-" + System.nanoTime();
    api.createSpace(attacker, target);
    for (int i = 0; i < 5; i++) {
      api.put(attacker, target, "notes", "n" + i, new JsonObject().put("i", i));
    }
    docPath = "/v1/spaces/" + target + "/documents/notes/n1";
    before = snapshot(target);
    bystander = new Bystander();
    bystander.start();
  }

  @AfterAll
  static void stop() {
    bystander.stop();
    node.close();
    db.close();
    Await.result(vertx.close());
  }

  private static JsonObject snapshot(String space) {
    JsonArray docs = new JsonArray();
    for (Row row : Await.result(db.pool().preparedQuery(
        "SELECT collection, id, version, data::text, deleted FROM documents WHERE space_id = $1 ORDER BY 1, 2").execute(Tuple.of(space)))) {
      docs.add(new JsonArray().add(row.getString(0)).add(row.getString(1)).add(row.getLong(2)).add(row.getString(3)).add(row.getBoolean(4)));
    }
    long seq = Await.result(db.pool().preparedQuery("SELECT seq FROM spaces WHERE id = $1").execute(Tuple.of(space)))
        .iterator().next().getLong(0);
    long changes = Await.result(db.pool().preparedQuery("SELECT count(*) FROM changes WHERE space_id = $1").execute(Tuple.of(space)))
        .iterator().next().getLong(0);
    return new JsonObject().put("seq", seq).put("changes", changes).put("documents", docs);
  }

  private static void rest(Response r, int status, String code) {
    assertThat(r.status()).as(r.body()).isEqualTo(status);
    assertThat(r.header("Content-Type")).startsWith("application/json");
    assertThat(r.errorCode()).isEqualTo(code);
    assertThat(r.json().getJsonObject("error").getString("message")).isNotBlank();
    assertThat(r.body()).doesNotContain("Exception").doesNotContain("SELECT").doesNotContain("at io.");
  }

  private static void ws(Consumer<WsClient> scenario) {
    try (WsClient socket = WsClient.connect(vertx, node.port(), attacker.token())) {
      scenario.accept(socket);
    }
  }

  private static void errorFrameAndStillOpen(WsClient socket, String code) {
    JsonObject error = socket.next();
    assertThat(error.getString("type")).isEqualTo("error");
    assertThat(error.getString("code")).isEqualTo(code);
    assertThat(error.getString("message")).isNotBlank();
    socket.send(new JsonObject().put("type", "ping").put("id", "still-open"));
    assertThat(socket.next().getString("type")).isEqualTo("pong");
  }

  private static DynamicTest restCase(String name, int status, String code, java.util.function.Supplier<Response> request) {
    return DynamicTest.dynamicTest(name, () -> rest(request.get(), status, code));
  }

  @TestFactory
  @Order(1)
  Stream<DynamicTest> hostileInputIsRefusedCleanly() {
    String token = attacker.token();
    String deep = "{\"a\":".repeat(100) + "1" + "}".repeat(100);
    String veryDeep = "[".repeat(5000) + "]".repeat(5000);
    List<DynamicTest> cases = new ArrayList<>();
    // Bodies.
    cases.add(restCase("malformed JSON", 400, "bad_request", () -> api.send("PUT", docPath, token, "{\"a\" 1}")));
    cases.add(restCase("truncated JSON", 400, "bad_request", () -> api.send("PUT", docPath, token, "{\"a\":")));
    cases.add(restCase("a JSON array as a document", 400, "bad_request", () -> api.send("PUT", docPath, token, "[1,2]")));
    cases.add(restCase("a JSON string as a document", 400, "bad_request", () -> api.send("PUT", docPath, token, "\"text\"")));
    cases.add(restCase("an empty body", 400, "bad_request", () -> api.send("PUT", docPath, token, "")));
    cases.add(restCase("JSON followed by garbage", 400, "bad_request", () -> api.send("PUT", docPath, token, "{}{}")));
    cases.add(restCase("bad UTF-8", 400, "bad_request", () -> api.sendBytes("PUT", docPath, token,
        new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xff, (byte) 0xfe, '"', '}'}, "Content-Type", "application/json")));
    cases.add(restCase("a body over the HTTP limit", 413, "too_large", () -> api.send("PUT", docPath, token,
        "{\"x\":\"" + "y".repeat(1_100_000) + "\"}")));
    cases.add(restCase("U+0000 in a string (jsonb cannot store it)", 400, "bad_request", () -> api.send("PUT", docPath, token,
        "{\"a\":\"nul\\u0000here\"}")));
    cases.add(restCase("a document over the document limit", 413, "too_large", () -> api.send("PUT", docPath, token,
        "{\"x\":\"" + "y".repeat(300_000) + "\"}")));
    cases.add(restCase("nesting deeper than the limit", 400, "bad_request", () -> api.send("PUT", docPath, token, deep)));
    cases.add(restCase("nesting thousands deep", 400, "bad_request", () -> api.send("PUT", docPath, token,
        "{\"a\":" + veryDeep + "}")));
    cases.add(restCase("wrong type: email as number", 400, "bad_request", () -> api.send("POST", "/v1/auth/register", null,
        "{\"email\":12,\"password\":\"long enough pw\"}")));
    cases.add(restCase("wrong type: password as array", 400, "bad_request", () -> api.send("POST", "/v1/auth/login", null,
        "{\"email\":\"a@b.test\",\"password\":[\"x\"]}")));
    cases.add(restCase("wrong type: role as object", 400, "bad_request", () -> api.send("PUT",
        "/v1/spaces/" + target + "/members/" + attacker.userId(), token, "{\"role\":{\"is\":\"owner\"}}")));
    cases.add(restCase("wrong type: mutations as object", 400, "bad_request", () -> api.send("POST",
        "/v1/spaces/" + target + "/mutations", token, "{\"mutations\":{\"op\":\"delete\"}}")));
    cases.add(restCase("wrong media type on PUT", 415, "unsupported_media_type", () -> api.send("PUT", docPath, token, "{}",
        "Content-Type", "text/plain")));
    cases.add(restCase("wrong media type on PATCH", 415, "unsupported_media_type", () -> api.send("PATCH", docPath, token,
        "{}", "Content-Type", "application/x-www-form-urlencoded")));
    // Every JSON route alike: a simple (preflight-free) cross-site POST is text/plain.
    cases.add(restCase("text/plain on the mutation queue", 415, "unsupported_media_type", () -> api.send("POST",
        "/v1/spaces/" + target + "/mutations", token, "{\"mutations\":[]}", "Content-Type", "text/plain")));
    cases.add(restCase("a form on sign-in", 415, "unsupported_media_type", () -> api.send("POST", "/v1/auth/login", null,
        "{\"email\":\"a@b.test\",\"password\":\"x\"}", "Content-Type", "application/x-www-form-urlencoded")));
    // Names and parameters.
    cases.add(restCase("a space name with spaces", 400, "bad_request", () -> api.send("GET", "/v1/spaces/a%20b", token, null)));
    cases.add(restCase("a space name too long", 400, "bad_request", () -> api.send("PUT", "/v1/spaces/" + "s".repeat(65), token, null)));
    cases.add(restCase("SQL in a space name", 400, "bad_request", () -> api.send("GET",
        "/v1/spaces/x'%3BDROP%20TABLE%20documents%3B--", token, null)));
    cases.add(restCase("a NUL in a document id", 400, "bad_request", () -> api.send("GET",
        "/v1/spaces/" + target + "/documents/notes/a%00b", token, null)));
    cases.add(restCase("a slash in a collection", 400, "bad_request", () -> api.send("GET",
        "/v1/spaces/" + target + "/documents/no%2Ftes/n1", token, null)));
    cases.add(restCase("a negative limit", 400, "bad_request", () -> api.send("GET",
        "/v1/spaces/" + target + "/documents?limit=-5", token, null)));
    cases.add(restCase("a non-numeric since", 400, "bad_request", () -> api.send("GET",
        "/v1/spaces/" + target + "/changes?since=abc", token, null)));
    cases.add(restCase("a forged page token", 400, "bad_request", () -> api.send("GET",
        "/v1/spaces/" + target + "/documents?after=eyJjIjotMX0", token, null)));
    cases.add(restCase("an If-Match that is no ETag", 400, "bad_request", () -> api.send("PUT", docPath, token, "{}",
        "If-Match", "W/\"abc\"")));
    // Headers.
    cases.add(restCase("no Authorization header", 401, "unauthorized", () -> api.send("GET", docPath, null, null)));
    cases.add(restCase("a Basic Authorization header", 401, "unauthorized", () -> api.send("GET", docPath, null, null,
        "Authorization", "Basic YWRtaW46YWRtaW4=")));
    cases.add(restCase("two Authorization headers", 401, "unauthorized", () -> api.send("GET", docPath, null, null,
        "Authorization", "Bearer " + token, "Authorization", "Bearer " + token)));
    cases.add(restCase("two If-Match headers", 400, "bad_request", () -> api.send("PUT", docPath, token, "{}",
        "If-Match", "\"1\"", "If-Match", "\"2\"")));
    cases.add(DynamicTest.dynamicTest("too many headers", () -> {
      StringBuilder headers = new StringBuilder();
      for (int i = 0; i < 100; i++) {
        headers.append("X-Filler-").append(i).append(": 1\r\n");
      }
      String answer = RawHttp.exchange(node.port(), ("GET /health/live HTTP/1.1\r\nHost: t\r\n" + headers + "\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      assertThat(answer).startsWith("HTTP/1.1 431").contains("\"code\":\"too_large\"");
    }));
    cases.add(DynamicTest.dynamicTest("a header too large", () -> {
      String answer = RawHttp.exchange(node.port(), ("GET /health/live HTTP/1.1\r\nHost: t\r\nX-Big: " + "a".repeat(20_000)
          + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      assertThat(answer).startsWith("HTTP/1.1 431").contains("\"code\":\"too_large\"");
    }));
    cases.add(DynamicTest.dynamicTest("a request line too long", () -> {
      String answer = RawHttp.exchange(node.port(), ("GET /" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: t\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      assertThat(answer).matches("(?s)HTTP/1\\.[01] 414.*").contains("\"error\"");
    }));
    cases.add(DynamicTest.dynamicTest("not HTTP at all", () -> {
      String answer = RawHttp.exchange(node.port(), "\u0016\u0003\u0001 hello\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      assertThat(answer).matches("(?s)HTTP/1\\.[01] 400.*").contains("\"code\":\"bad_request\"");
    }));
    cases.add(restCase("an unknown route", 404, "not_found", () -> api.send("GET", "/v1/nothing/here", token, null)));
    cases.add(restCase("a method the route lacks", 405, "method_not_allowed", () -> api.send("POST", docPath, token, "{}")));
    // Mutations: refused one by one, never the batch (covered in MutationQueueIT); here the hostile ones.
    cases.add(DynamicTest.dynamicTest("hostile mutations are rejected one by one", () -> {
      JsonArray batch = new JsonArray()
          .add(new JsonObject().put("mutationId", "m".repeat(500)).put("op", "delete").put("collection", "notes").put("id", "n1"))
          .add(new JsonObject().put("mutationId", "ok").put("op", "put").put("collection", "notes").put("id", "n1")
              .put("data", new JsonObject()).put("baseVersion", "1"))
          .add(new JsonObject().put("mutationId", "ok2").put("op", "drop table").put("collection", "notes").put("id", "n1"));
      Response r = api.send("POST", "/v1/spaces/" + target + "/mutations", token, new JsonObject().put("mutations", batch).encode());
      assertThat(r.status()).isEqualTo(200);
      r.json().getJsonArray("results").forEach(result -> {
        assertThat(((JsonObject) result).getString("status")).isEqualTo("rejected");
        assertThat(((JsonObject) result).getString("code")).isEqualTo("bad_request");
      });
    }));
    // WebSocket frames.
    cases.add(DynamicTest.dynamicTest("ws: malformed JSON", () -> ws(s -> {
      s.sendRaw("{\"type\":");
      errorFrameAndStillOpen(s, "bad_request");
    })));
    cases.add(DynamicTest.dynamicTest("ws: a JSON array frame", () -> ws(s -> {
      s.sendRaw("[\"subscribe\"]");
      errorFrameAndStillOpen(s, "bad_request");
    })));
    cases.add(DynamicTest.dynamicTest("ws: a binary frame", () -> ws(s -> {
      Await.result(s.socket().writeBinaryMessage(Buffer.buffer(new byte[] {1, 2, 3})));
      errorFrameAndStillOpen(s, "bad_request");
    })));
    cases.add(DynamicTest.dynamicTest("ws: an unknown frame type", () -> ws(s -> {
      s.send(new JsonObject().put("type", "drop_database"));
      errorFrameAndStillOpen(s, "bad_request");
    })));
    cases.add(DynamicTest.dynamicTest("ws: subscribe without a space", () -> ws(s -> {
      s.send(new JsonObject().put("type", "subscribe"));
      errorFrameAndStillOpen(s, "bad_request");
    })));
    cases.add(DynamicTest.dynamicTest("ws: since as a string", () -> ws(s -> {
      s.send(new JsonObject().put("type", "subscribe").put("space", target).put("since", "0"));
      errorFrameAndStillOpen(s, "bad_request");
    })));
    cases.add(DynamicTest.dynamicTest("ws: SQL in a space name", () -> ws(s -> {
      s.send(new JsonObject().put("type", "subscribe").put("space", "x' OR '1'='1"));
      errorFrameAndStillOpen(s, "bad_request");
    })));
    cases.add(DynamicTest.dynamicTest("ws: nesting deeper than the limit", () -> ws(s -> {
      s.sendRaw("{\"type\":\"ping\",\"x\":" + "[".repeat(100) + "]".repeat(100) + "}");
      errorFrameAndStillOpen(s, "bad_request");
    })));
    cases.add(DynamicTest.dynamicTest("ws: mutate with mutations as a string", () -> ws(s -> {
      s.send(new JsonObject().put("type", "mutate").put("space", target).put("mutations", "all"));
      errorFrameAndStillOpen(s, "bad_request");
    })));
    cases.add(DynamicTest.dynamicTest("ws: an oversized frame closes 1009", () -> ws(s -> {
      s.sendRaw("{\"type\":\"ping\",\"pad\":\"" + "x".repeat(100_000) + "\"}");
      assertThat(s.closeCode(5)).isEqualTo((short) 1009);
    })));
    cases.add(DynamicTest.dynamicTest("ws: an oversized message in small fragments closes 1009", () -> ws(s -> {
      // The server may close while fragments are still going out; only its close code matters.
      s.socket().writeFrame(WebSocketFrame.textFrame("{\"pad\":\"", false));
      for (int i = 0; i < 20; i++) {
        s.socket().writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer("y".repeat(8000)), false));
      }
      s.socket().writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer("\"}"), true));
      assertThat(s.closeCode(5)).isEqualTo((short) 1009);
    })));
    cases.add(DynamicTest.dynamicTest("ws: invalid UTF-8 in a text frame closes 1007", () -> ws(s -> {
      s.socket().writeFrame(new io.vertx.core.http.impl.ws.WebSocketFrameImpl(io.vertx.core.http.WebSocketFrameType.TEXT,
          new byte[] {'{', (byte) 0xc3, (byte) 0x28, '}'}, true));
      assertThat(s.closeCode(5)).isEqualTo((short) 1007);
    })));
    cases.add(DynamicTest.dynamicTest("ws: a frame before authenticating closes 1008", () -> {
      try (WsClient s = WsClient.connect(vertx, node.port(), null)) {
        s.send(new JsonObject().put("type", "subscribe").put("space", target));
        assertThat(s.closeCode(5)).isEqualTo((short) 1008);
      }
    }));
    return cases.stream();
  }

  @TestFactory
  @Order(2)
  Stream<DynamicTest> injectionStringsAreStoredAndReturnedVerbatim() {
    String space = "inject-" + System.nanoTime();
    api.createSpace(attacker, space);
    List<String> payloads = List.of("'; DROP TABLE documents; --", "\" OR 1=1 --", "<script>alert(document.cookie)</script>",
        "$1; SELECT pg_sleep(10)", "{{7*7}}${7*7}", "\u202e\ud83d\ude00 \u0007", "../../etc/passwd");
    return payloads.stream().map(payload -> DynamicTest.dynamicTest("stored verbatim: " + payload.replace("\u0000", "\\0"), () -> {
      String id = "p" + Integer.toHexString(payload.hashCode());
      JsonObject data = new JsonObject().put("text", payload).put(payload, "as a key");
      Response put = api.put(attacker, space, "notes", id, data);
      assertThat(put.status()).isEqualTo(201);
      Response got = api.send("GET", "/v1/spaces/" + space + "/documents/notes/" + id, attacker.token(), null);
      assertThat(got.json().getJsonObject("data")).isEqualTo(data);
      assertThat(got.header("Content-Type")).startsWith("application/json");
      assertThat(got.header("X-Content-Type-Options")).isEqualTo("nosniff");
      long tables = Await.result(db.pool().query("SELECT count(*) FROM documents").execute()).iterator().next().getLong(0);
      assertThat(tables).isPositive();
    }));
  }

  @Test
  @Order(3)
  void nothingChangedAndTheWellBehavedClientKeptWorking() {
    assertThat(snapshot(target)).isEqualTo(before);
    bystander.stop();
    assertThat(bystander.failures).isEmpty();
    assertThat(bystander.writes.get()).isGreaterThan(5);
    assertThat(bystander.received).containsExactlyElementsOf(
        java.util.stream.LongStream.rangeClosed(1, bystander.writes.get()).boxed().toList());
  }

  /** A client minding its own business on the same node: writes and receives its changes throughout. */
  private static final class Bystander {
    final List<String> failures = new CopyOnWriteArrayList<>();
    final List<Long> received = new CopyOnWriteArrayList<>();
    final java.util.concurrent.atomic.AtomicLong writes = new java.util.concurrent.atomic.AtomicLong();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private Thread thread;
    private WsClient socket;
    private Account me;
    private String space;

    void start() {
      me = api.register();
      space = "calm-" + System.nanoTime();
      api.createSpace(me, space);
      socket = WsClient.connect(vertx, node.port(), me.token());
      socket.send(new JsonObject().put("type", "subscribe").put("space", space).put("since", 0));
      socket.awaitType("synced");
      thread = new Thread(() -> {
        while (running.get()) {
          Response r = api.put(me, space, "log", "e" + writes.get(), new JsonObject().put("n", writes.get()));
          if (r.status() != 201) {
            failures.add("write answered " + r.status() + " " + r.body());
          } else {
            writes.incrementAndGet();
          }
          try {
            Thread.sleep(50);
          } catch (InterruptedException e) {
            return;
          }
        }
      });
      thread.start();
    }

    void stop() {
      if (!running.getAndSet(false)) {
        return;
      }
      try {
        thread.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      while (received.size() < writes.get()) {
        JsonObject frame = socket.next(10);
        if ("change".equals(frame.getString("type"))) {
          received.add(frame.getLong("seq"));
        }
      }
      socket.close();
    }
  }
}
