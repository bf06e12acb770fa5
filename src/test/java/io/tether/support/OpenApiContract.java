package io.tether.support;

import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.SchemaRepository;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.Yaml;

/**
 * openapi.yaml as a check on live answers: every JSON answer the tests' {@link ApiClient} receives is
 * validated against the schema documented for its route, method and status (JSON Schema 2020-12, as
 * OpenAPI 3.1 has it), so the document cannot drift from what the server says. An answer to a route
 * the document does not describe is not judged here (ApiDocumentIT checks that every route is
 * documented). Thread-safe after construction.
 */
public final class OpenApiContract {
  private static final String BASE = "https://tether.test/openapi.yaml";
  private static final OpenApiContract INSTANCE = new OpenApiContract(Path.of("src/main/resources/webroot/openapi.yaml"));

  private record Route(String template, Pattern pattern) {}

  private final JsonObject openapi;
  private final SchemaRepository schemas;
  private final List<Route> routes = new ArrayList<>();

  @SuppressWarnings("unchecked")
  private OpenApiContract(Path file) {
    try {
      openapi = new JsonObject((Map<String, Object>) new Yaml().load(Files.readString(file, StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    schemas = SchemaRepository.create(new JsonSchemaOptions().setDraft(Draft.DRAFT202012).setBaseUri(BASE));
    schemas.dereference(BASE, JsonSchema.of(openapi.copy()));
    for (String template : openapi.getJsonObject("paths").fieldNames()) {
      routes.add(new Route(template, Pattern.compile(template.replaceAll("\\{[A-Za-z]+}", "[^/]+"))));
    }
    // Literal segments win over parameters: /v1/spaces/{space}/members/me before …/members/{userId}.
    routes.sort((a, b) -> Long.compare(b.template.chars().filter(c -> c == '{').count() == 0 ? 1 : 0,
        a.template.chars().filter(c -> c == '{').count() == 0 ? 1 : 0));
  }

  public static OpenApiContract shared() {
    return INSTANCE;
  }

  /** Null when the answer matches its documented schema (or is not JSON, or its route is not described); else why not. */
  public String violation(String method, String pathAndQuery, int status, String body, String contentType) {
    if (contentType == null || !contentType.startsWith("application/json") || body == null || body.isEmpty()) {
      return null;
    }
    String path = pathAndQuery.split("\\?", 2)[0];
    String template = template(path);
    if (template == null) {
      return null;
    }
    JsonObject operation = openapi.getJsonObject("paths").getJsonObject(template).getJsonObject(method.toLowerCase(Locale.ROOT));
    if (operation == null) {
      return null; // 405s and the like: the route exists, this method does not
    }
    JsonObject responses = operation.getJsonObject("responses");
    String key = String.valueOf(status);
    if (!responses.containsKey(key)) {
      if (status < 400 || !responses.containsKey("default")) {
        return method + " " + template + " answered " + status + ", which openapi.yaml does not document";
      }
      key = "default";
    }
    String pointer = "/paths/" + escape(template) + "/" + method.toLowerCase(Locale.ROOT) + "/responses/" + key;
    JsonObject documented = responses.getJsonObject(key);
    if (documented.containsKey("$ref")) {
      pointer = documented.getString("$ref").substring(1);
      documented = resolve(pointer);
    }
    JsonObject content = documented.getJsonObject("content");
    if (content == null || !content.containsKey("application/json")) {
      return method + " " + template + " " + status + " answered JSON, which openapi.yaml does not document";
    }
    Object json;
    try {
      json = io.vertx.core.json.Json.decodeValue(body);
    } catch (RuntimeException e) {
      return method + " " + template + " " + status + " answered malformed JSON";
    }
    JsonSchema schema = JsonSchema.of(new JsonObject().put("$ref", BASE + "#" + pointer + "/content/application~1json/schema"));
    OutputUnit result = schemas.validator(schema).validate(json);
    return result.getValid() ? null
        : method + " " + template + " " + status + " does not match openapi.yaml: " + describe(result) + "\n" + abbreviated(body);
  }

  private String template(String path) {
    for (Route route : routes) {
      if (route.pattern.matcher(path).matches()) {
        return route.template;
      }
    }
    return null;
  }

  private JsonObject resolve(String pointer) {
    Object node = openapi;
    for (String part : pointer.substring(1).split("/")) {
      node = ((JsonObject) node).getValue(part.replace("~1", "/").replace("~0", "~"));
    }
    return (JsonObject) node;
  }

  private static String escape(String path) {
    return path.replace("~", "~0").replace("/", "~1").replace("{", "%7B").replace("}", "%7D");
  }

  private static String describe(OutputUnit result) {
    StringBuilder why = new StringBuilder();
    if (result.getError() != null) {
      why.append(result.getError()).append(" at ").append(result.getInstanceLocation());
    }
    if (result.getErrors() != null) {
      result.getErrors().stream().limit(5).forEach(e -> why.append("; ").append(e.getError()).append(" at ")
          .append(e.getInstanceLocation()));
    }
    return why.toString();
  }

  private static String abbreviated(String body) {
    return body.length() <= 600 ? body : body.substring(0, 600) + "…";
  }
}
