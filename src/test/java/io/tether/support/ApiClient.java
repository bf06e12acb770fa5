package io.tether.support;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;

/**
 * A plain HTTP client of the REST API (the JDK's, so no Vert.x code sits on both ends). Every JSON
 * answer is validated against openapi.yaml ({@link OpenApiContract}); one that does not match fails
 * the test that received it.
 */
public final class ApiClient {
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private final int port;

  public ApiClient(int port) {
    this.port = port;
  }

  /** An HTTP answer; {@code json} is null when the body is not a JSON object. */
  public record Response(int status, String body, java.net.http.HttpHeaders headers) {
    public JsonObject json() {
      try {
        return new JsonObject(body);
      } catch (RuntimeException e) {
        return null;
      }
    }

    public String errorCode() {
      JsonObject json = json();
      return json == null || json.getJsonObject("error") == null ? null : json.getJsonObject("error").getString("code");
    }

    public String header(String name) {
      return headers.firstValue(name).orElse(null);
    }
  }

  /** A registered user. */
  public record Account(String userId, String token) {}

  public Response send(String method, String path, String token, String body, String... headers) {
    return sendBytes(method, path, token, body == null ? null : body.getBytes(java.nio.charset.StandardCharsets.UTF_8), headers);
  }

  /** Headers named twice are sent twice. */
  public Response sendBytes(String method, String path, String token, byte[] body, String... headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(java.time.Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    boolean typed = false;
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
      typed |= headers[i].equalsIgnoreCase("Content-Type");
    }
    if (body != null && !typed) {
      request.header("Content-Type", "application/json");
    }
    try {
      HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
      // Every answer a test receives is held to openapi.yaml: the one place the contract is checked.
      String violation = OpenApiContract.shared().violation(method, path, response.statusCode(), response.body(),
          response.headers().firstValue("Content-Type").orElse(null));
      if (violation != null) {
        throw new AssertionError(violation);
      }
      return new Response(response.statusCode(), response.body(), response.headers());
    } catch (IOException e) {
      throw new AssertionError("request failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  public Account register() {
    String email = "user-" + UUID.randomUUID() + "@example.test";
    Response r = send("POST", "/v1/auth/register", null,
        new JsonObject().put("email", email).put("password", "correct horse battery").encode());
    if (r.status() != 201) {
      throw new AssertionError("register failed: " + r.status() + " " + r.body());
    }
    return new Account(r.json().getString("userId"), r.json().getString("accessToken"));
  }

  public Response createSpace(Account who, String space) {
    return send("PUT", "/v1/spaces/" + space, who.token(), null);
  }

  public Response put(Account who, String space, String collection, String id, JsonObject data, String... headers) {
    return send("PUT", "/v1/spaces/" + space + "/documents/" + collection + "/" + id, who.token(), data.encode(), headers);
  }

  public Response addMember(Account owner, String space, String userId, String role) {
    return send("PUT", "/v1/spaces/" + space + "/members/" + userId, owner.token(),
        new JsonObject().put("role", role).encode());
  }
}
