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
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.SchemaRepository;
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
  private static final String BASE = "https://tether.test/openapi.yaml";

  private static TestCluster cluster;
  private static ApiClient api;
  private static JsonObject openapi;
  private static SchemaRepository schemas;

  @BeforeAll
  static void start() throws Exception {
    cluster = TestCluster.single(new JsonObject().put("server", new JsonObject().put("adminToken", "admin-token-for-tests")));
    api = cluster.api();
    Response served = api.send("GET", "/openapi.yaml", null, null);
    assertThat(served.status()).isEqualTo(200);
    openapi = new JsonObject((Map<String, Object>) new Yaml().load(served.body()));
    schemas = SchemaRepository.create(new JsonSchemaOptions().setDraft(Draft.DRAFT202012).setBaseUri(BASE));
    schemas.dereference(BASE, JsonSchema.of(openapi.copy()));
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
    check("/v1/auth/register", "post", registered);
    Account me = new Account(registered.json().getString("userId"), registered.json().getString("accessToken"));
    String space = "doc-" + System.nanoTime();
    String s = "/v1/spaces/{space}";
    check(s, "put", api.createSpace(me, space));
    check(s, "get", api.send("GET", "/v1/spaces/" + space, me.token(), null));
    String doc = s + "/documents/{collection}/{id}";
    check(doc, "put", api.put(me, space, "c", "d", new JsonObject().put("x", 1)));
    check(doc, "put", api.put(me, space, "c", "d", new JsonObject(), "If-Match", "\"9\""));
    check(doc, "get", api.send("GET", "/v1/spaces/" + space + "/documents/c/d", me.token(), null));
    check(doc, "patch", api.send("PATCH", "/v1/spaces/" + space + "/documents/c/d", me.token(), "{\"y\":2}",
        "Content-Type", "application/merge-patch+json"));
    check(s + "/documents", "get", api.send("GET", "/v1/spaces/" + space + "/documents?includeDeleted=true", me.token(), null));
    check(s + "/mutations", "post", api.send("POST", "/v1/spaces/" + space + "/mutations", me.token(), new JsonObject()
        .put("mutations", new JsonArray()
            .add(new JsonObject().put("mutationId", "a").put("op", "delete").put("collection", "c").put("id", "d"))
            .add(new JsonObject().put("mutationId", "b").put("op", "patch").put("collection", "c").put("id", "d").put("data", new JsonObject()))
            .add(new JsonObject().put("mutationId", "c").put("op", "put").put("collection", "c").put("id", "e").put("baseVersion", 3)
                .put("data", new JsonObject()))).encode()));
    check(doc, "delete", api.send("DELETE", "/v1/spaces/" + space + "/documents/c/e", me.token(), null));
    check(s + "/changes", "get", api.send("GET", "/v1/spaces/" + space + "/changes?since=0", me.token(), null));
    check(s + "/changes", "get", api.send("GET", "/v1/spaces/" + space + "/changes?since=99", me.token(), null));
    check(s, "get", api.send("GET", "/v1/spaces/" + space, null, null));
    check(s + "/presence", "get", api.send("GET", "/v1/spaces/" + space + "/presence", me.token(), null));
    check("/v1/me", "get", api.send("GET", "/v1/me", me.token(), null));
    check(s + "/invites", "post", api.send("POST", "/v1/spaces/" + space + "/invites", me.token(),
        new JsonObject().put("role", "reader").put("email", "friend@example.test").encode()));
    // No mail.host here: development writes the emails to the log, and the routes answer as with SMTP.
    check("/v1/auth/password-reset", "post", api.send("POST", "/v1/auth/password-reset", null,
        new JsonObject().put("email", "nobody@example.test").encode()));
    check("/v1/me/verify-email", "post", api.send("POST", "/v1/me/verify-email", me.token(), null));
    check("/v1/auth/verify-email", "post", api.send("POST", "/v1/auth/verify-email", null,
        new JsonObject().put("code", "A".repeat(43)).encode()));
    check("/v1/auth/password-reset/confirm", "post", api.send("POST", "/v1/auth/password-reset/confirm", null,
        new JsonObject().put("code", "A".repeat(43)).put("password", "long enough pw").encode()));
    check("/v1/auth/exchange", "post", api.send("POST", "/v1/auth/exchange", null,
        new JsonObject().put("provider", "google").put("idToken", "x.y.z").encode()));
    check("/health/ready", "get", api.send("GET", "/health/ready", null, null));
    check("/admin/stats", "get", api.send("GET", "/admin/stats", "admin-token-for-tests", null));
    check("/admin/stats", "get", api.send("GET", "/admin/stats", "wrong", null));
  }

  /** Validates a JSON response against the schema documented for its route, method and status. */
  private static void check(String path, String method, Response response) {
    JsonObject responses = openapi.getJsonObject("paths").getJsonObject(path).getJsonObject(method).getJsonObject("responses");
    String status = String.valueOf(response.status());
    if (!responses.containsKey(status)) {
      assertThat(response.status()).as("%s %s documents status %s", method, path, status).isGreaterThanOrEqualTo(400);
      assertThat(responses.containsKey("default")).as("%s %s documents its errors", method, path).isTrue();
      status = "default";
    }
    String pointer = "/paths/" + escape(path) + "/" + method + "/responses/" + status;
    JsonObject documented = responses.getJsonObject(status);
    if (documented.containsKey("$ref")) {
      pointer = documented.getString("$ref").substring(1);
      documented = resolve(pointer);
    }
    JsonObject content = documented.getJsonObject("content");
    if (content == null || !content.containsKey("application/json")) {
      return;
    }
    JsonSchema schema = JsonSchema.of(new JsonObject().put("$ref", BASE + "#" + pointer + "/content/application~1json/schema"));
    OutputUnit result = schemas.validator(schema).validate(response.json());
    assertThat(result.getValid()).as("%s %s %s: %s\n%s", method, path, status, response.body(), result.getErrors()).isTrue();
  }

  private static JsonObject resolve(String pointer) {
    Object node = openapi;
    for (String part : pointer.substring(1).split("/")) {
      node = ((JsonObject) node).getValue(part.replace("~1", "/").replace("~0", "~"));
    }
    return (JsonObject) node;
  }

  private static String escape(String path) {
    return path.replace("~", "~0").replace("/", "~1").replace("{", "%7B").replace("}", "%7D");
  }
}
