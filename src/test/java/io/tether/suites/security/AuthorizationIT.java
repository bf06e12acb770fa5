package io.tether.suites.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.support.ApiClient;
import io.tether.support.ApiClient.Account;
import io.tether.support.ApiClient.Response;
import io.tether.support.Await;
import io.tether.support.TestCluster;
import io.tether.support.WsClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Object- and property-level authorization: nobody reaches a space they do not belong to, or sets what the server owns. */
class AuthorizationIT {
  private static TestCluster cluster;
  private static ApiClient api;

  @BeforeAll
  static void start() {
    cluster = TestCluster.single(new JsonObject());
    api = cluster.api();
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }


  @Test
  void aUserOfOneSpaceCannotTouchAnother() {
    Account alice = api.register();
    Account mallory = api.register();
    String a = "a-" + System.nanoTime();
    String b = "b-" + System.nanoTime();
    api.createSpace(alice, a);
    api.createSpace(mallory, b);
    api.put(alice, a, "secrets", "s1", new JsonObject().put("pin", "1234"));
    String token = mallory.token();
    String doc = "/v1/spaces/" + a + "/documents/secrets/s1";
    JsonArray mutation = new JsonArray().add(new JsonObject().put("mutationId", "m1").put("op", "delete")
        .put("collection", "secrets").put("id", "s1"));

    Response[] attempts = {
        api.send("GET", "/v1/spaces/" + a, token, null),
        api.send("PUT", "/v1/spaces/" + a, token, null),
        api.send("GET", "/v1/spaces/" + a + "/documents", token, null),
        api.send("GET", doc, token, null),
        api.send("PUT", doc, token, "{\"pin\":\"0000\"}"),
        api.send("PATCH", doc, token, "{\"pin\":null}", "Content-Type", "application/merge-patch+json"),
        api.send("DELETE", doc, token, null),
        api.send("GET", "/v1/spaces/" + a + "/changes?since=0", token, null),
        api.send("POST", "/v1/spaces/" + a + "/mutations", token, new JsonObject().put("mutations", mutation).encode()),
        api.send("PUT", "/v1/spaces/" + a + "/members/" + mallory.userId(), token, "{\"role\":\"owner\"}"),
        api.send("DELETE", "/v1/spaces/" + a + "/members/" + alice.userId(), token, null),
    };
    for (Response attempt : attempts) {
      assertThat(attempt.status()).as(attempt.body()).isEqualTo(403);
      assertThat(attempt.errorCode()).isEqualTo("forbidden");
      assertThat(attempt.body()).doesNotContain("1234").doesNotContain(alice.userId());
    }
    try (WsClient ws = WsClient.connect(cluster.vertx(), cluster.node().port(), token)) {
      ws.send(new JsonObject().put("type", "subscribe").put("space", a).put("since", 0));
      assertThat(ws.next().getString("code")).isEqualTo("forbidden");
      ws.send(new JsonObject().put("type", "mutate").put("space", a).put("mutations", mutation));
      assertThat(ws.next().getString("code")).isEqualTo("forbidden");
      assertThat(ws.drain(200)).isEmpty();
    }
    assertThat(api.send("GET", doc, alice.token(), null).json().getJsonObject("data").getString("pin")).isEqualTo("1234");
  }

  @Test
  void writersCannotPromoteThemselvesAndReadersCannotWrite() {
    Account owner = api.register();
    Account writer = api.register();
    Account reader = api.register();
    String space = "roles-" + System.nanoTime();
    api.createSpace(owner, space);
    api.addMember(owner, space, writer.userId(), "writer");
    api.addMember(owner, space, reader.userId(), "reader");

    assertThat(api.addMember(writer, space, writer.userId(), "owner").status()).isEqualTo(403);
    assertThat(api.addMember(writer, space, reader.userId(), "writer").status()).isEqualTo(403);
    assertThat(api.send("DELETE", "/v1/spaces/" + space + "/members/" + owner.userId(), writer.token(), null).status()).isEqualTo(403);
    assertThat(api.send("GET", "/v1/spaces/" + space, writer.token(), null).json().getString("role")).isEqualTo("writer");

    assertThat(api.put(reader, space, "c", "d", new JsonObject()).status()).isEqualTo(403);
    JsonObject batch = new JsonObject().put("mutations", new JsonArray().add(new JsonObject().put("mutationId", "r1")
        .put("op", "put").put("collection", "c").put("id", "d").put("data", new JsonObject())));
    assertThat(api.send("POST", "/v1/spaces/" + space + "/mutations", reader.token(), batch.encode()).status()).isEqualTo(403);
    try (WsClient ws = WsClient.connect(cluster.vertx(), cluster.node().port(), reader.token())) {
      ws.send(new JsonObject().put("type", "mutate").put("space", space).put("mutations", batch.getJsonArray("mutations")));
      assertThat(ws.next().getString("code")).isEqualTo("forbidden");
      ws.send(new JsonObject().put("type", "subscribe").put("space", space).put("since", 0));
      assertThat(ws.next().getString("type")).as("readers may read").isEqualTo("synced");
    }
    assertThat(api.put(writer, space, "c", "d", new JsonObject()).status()).isEqualTo(201);
    // Members may leave by themselves.
    assertThat(api.send("DELETE", "/v1/spaces/" + space + "/members/" + reader.userId(), reader.token(), null).status()).isEqualTo(204);
  }

  @Test
  void fieldsTheServerOwnsCannotBeSetByClients() {
    Account owner = api.register();
    Account other = api.register();
    String space = "props-" + System.nanoTime();
    api.createSpace(owner, space);
    JsonObject sneaky = new JsonObject().put("seq", 999).put("version", 50).put("actor", other.userId()).put("deleted", true)
        .put("title", "hello");
    Response put = api.put(owner, space, "c", "d", sneaky);
    JsonObject document = put.json().getJsonObject("document");
    assertThat(document.getLong("version")).isEqualTo(1);
    assertThat(document.getLong("seq")).isEqualTo(1);
    assertThat(document.getBoolean("deleted")).isFalse();
    assertThat(document.getJsonObject("data")).as("kept as the client's own data, nothing more").isEqualTo(sneaky);
    JsonObject change = api.send("GET", "/v1/spaces/" + space + "/changes", owner.token(), null).json()
        .getJsonArray("changes").getJsonObject(0);
    assertThat(change.getString("actor")).isEqualTo(owner.userId());
    assertThat(change.getLong("seq")).isEqualTo(1);

    JsonObject mutation = new JsonObject().put("mutationId", "x").put("op", "put").put("collection", "c").put("id", "e")
        .put("data", new JsonObject()).put("seq", 500).put("version", 9).put("actor", other.userId()).put("space", "elsewhere");
    JsonObject result = api.send("POST", "/v1/spaces/" + space + "/mutations", owner.token(),
        new JsonObject().put("mutations", new JsonArray().add(mutation)).encode()).json().getJsonArray("results").getJsonObject(0);
    assertThat(result.getLong("seq")).isEqualTo(2);
    assertThat(result.getLong("version")).isEqualTo(1);

    Response space2 = api.send("PUT", "/v1/spaces/" + space, owner.token(), "{\"id\":\"hijack\",\"seq\":100,\"role\":\"reader\"}");
    assertThat(space2.json().getString("id")).isEqualTo(space);
    assertThat(space2.json().getLong("seq")).isEqualTo(2);
    assertThat(space2.json().getString("role")).isEqualTo("owner");

    Response member = api.send("PUT", "/v1/spaces/" + space + "/members/" + other.userId(), owner.token(),
        new JsonObject().put("role", "reader").put("userId", owner.userId()).put("space", "elsewhere").encode());
    assertThat(member.json()).isEqualTo(new JsonObject().put("space", space).put("userId", other.userId()).put("role", "reader"));
    assertThat(api.send("GET", "/v1/spaces/" + space, owner.token(), null).json().getString("role")).isEqualTo("owner");
  }
}
