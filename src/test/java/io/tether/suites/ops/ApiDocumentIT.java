package io.tether.suites.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.graphql.GraphQLApi;
import io.tether.http.ApiRouter;
import io.tether.sync.ChangeStreams;
import io.tether.support.ApiClient;
import io.tether.support.ApiClient.Account;
import io.tether.support.ApiClient.Response;
import io.tether.support.TestCluster;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.io.InputStream;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The served OpenAPI document and the server agree: every route is documented, every documented route
 * exists, and real responses validate against the documented schemas (JSON Schema 2020-12, as OpenAPI
 * 3.1 uses it).
 */
class ApiDocumentIT {

  private static TestCluster cluster;
  private static ApiClient api;
  private static JsonObject openapi;

  @BeforeAll
  static void start() throws Exception {
    cluster = TestCluster.single(new JsonObject().put("server", new JsonObject().put("adminToken", "admin-token-for-tests")));
    api = cluster.api();
    Response served = api.send("GET", "/openapi.yaml", null, null);
    assertThat(served.status()).isEqualTo(200);
    openapi = new JsonObject((Map<String, Object>) new Yaml().load(served.body()));
    try (InputStream asyncapi = ApiDocumentIT.class.getClassLoader().getResourceAsStream("webroot/asyncapi.yaml")) {
      Map<String, Object> doc = new Yaml().load(asyncapi);
      assertThat(doc.get("asyncapi")).isEqualTo("3.0.0");
    }
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @Test
  void everyRouteIsDocumentedAndEveryDocumentedRouteExists() {
    // Mounting reads no stream: the GraphQL API needs no live sync context to list its routes.
    Router router = ApiRouter.create(cluster.vertx(), cluster.node().running().node(), rc -> rc.response().end(),
        ApiRouter.graphQL(cluster.vertx(), cluster.node().running().node(), new ChangeStreams(null)));
    Set<String> served = new TreeSet<>();
    for (Route route : router.getRoutes()) {
      if (route.getPath() == null || route.getPath().contains("*") || route.methods() == null || route.methods().isEmpty()) {
        continue;
      }
      String path = route.getPath().replaceAll(":([A-Za-z]+)", "{$1}");
      route.methods().forEach(m -> served.add(m.name() + " " + path));
    }
    Set<String> documented = new TreeSet<>();
    JsonObject paths = openapi.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      paths.getJsonObject(path).fieldNames().stream()
          .filter(m -> Set.of("get", "put", "post", "patch", "delete").contains(m))
          .forEach(m -> documented.add(m.toUpperCase(Locale.ROOT) + " " + path));
    }
    assertThat(served).isNotEmpty().containsExactlyInAnyOrderElementsOf(documented);
  }

  @Test
  void responsesMatchTheirDocumentedSchemas() {
    Response registered = api.send("POST", "/v1/auth/register", null,
        new JsonObject().put("email", "doc-" + System.nanoTime() + "@example.test").put("password", "long enough pw").encode());
    documented(registered);
    Account me = new Account(registered.json().getString("userId"), registered.json().getString("accessToken"));
    String space = "doc-" + System.nanoTime();
    String s = "/v1/spaces/{space}";
    documented(api.createSpace(me, space));
    documented(api.send("GET", "/v1/spaces/" + space, me.token(), null));
    String doc = s + "/documents/{collection}/{id}";
    documented(api.put(me, space, "c", "d", new JsonObject().put("x", 1)));
    documented(api.put(me, space, "c", "d", new JsonObject(), "If-Match", "\"9\""));
    documented(api.send("GET", "/v1/spaces/" + space + "/documents/c/d", me.token(), null));
    documented(api.send("PATCH", "/v1/spaces/" + space + "/documents/c/d", me.token(), "{\"y\":2}",
        "Content-Type", "application/merge-patch+json"));
    documented(api.send("GET", "/v1/spaces/" + space + "/documents?includeDeleted=true", me.token(), null));
    documented(api.send("POST", "/v1/spaces/" + space + "/mutations", me.token(), new JsonObject()
        .put("mutations", new JsonArray()
            .add(new JsonObject().put("mutationId", "a").put("op", "delete").put("collection", "c").put("id", "d"))
            .add(new JsonObject().put("mutationId", "b").put("op", "patch").put("collection", "c").put("id", "d").put("data", new JsonObject()))
            .add(new JsonObject().put("mutationId", "c").put("op", "put").put("collection", "c").put("id", "e").put("baseVersion", 3)
                .put("data", new JsonObject()))).encode()));
    documented(api.send("DELETE", "/v1/spaces/" + space + "/documents/c/e", me.token(), null));
    documented(api.send("GET", "/v1/spaces/" + space + "/changes?since=0", me.token(), null));
    documented(api.send("GET", "/v1/spaces/" + space + "/changes?since=99", me.token(), null));
    documented(api.send("GET", "/v1/spaces/" + space, null, null));
    documented(api.send("GET", "/v1/spaces/" + space + "/presence", me.token(), null));
    documented(api.send("GET", "/v1/me", me.token(), null));
    documented(api.send("POST", "/v1/spaces/" + space + "/invites", me.token(),
        new JsonObject().put("role", "reader").put("email", "friend@example.test").encode()));
    // No mail.host here: development writes the emails to the log, and the routes answer as with SMTP.
    documented(api.send("POST", "/v1/auth/password-reset", null,
        new JsonObject().put("email", "nobody@example.test").encode()));
    documented(api.send("POST", "/v1/me/verify-email", me.token(), null));
    documented(api.send("POST", "/v1/auth/verify-email", null,
        new JsonObject().put("code", "A".repeat(43)).encode()));
    documented(api.send("POST", "/v1/auth/password-reset/confirm", null,
        new JsonObject().put("code", "A".repeat(43)).put("password", "long enough pw").encode()));
    documented(api.send("POST", "/v1/auth/exchange", null,
        new JsonObject().put("provider", "google").put("idToken", "x.y.z").encode()));
    documented(api.send("GET", "/health/ready", null, null));
    documented(api.send("GET", "/admin/stats", "admin-token-for-tests", null));
    documented(api.send("GET", "/admin/stats", "wrong", null));
  }

  /**
   * Every answer ApiClient receives is validated against openapi.yaml (OpenApiContract); this test
   * only makes sure that each route above was answered with JSON the document describes.
   */
  private static void documented(Response response) {
    assertThat(response.header("Content-Type")).as("JSON, so the contract judged it: %s", response.body())
        .startsWith("application/json");
  }
}
