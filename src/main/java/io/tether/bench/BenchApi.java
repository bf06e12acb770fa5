package io.tether.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.UUID;

/** The public REST API as the load generator uses it: nothing but what a client may call. */
final class BenchApi {
  private final HttpClient http;
  private final String host;
  private final int port;
  private String token;

  BenchApi(Vertx vertx, String url, int connections) {
    URI uri = URI.create(url);
    this.host = uri.getHost();
    this.port = uri.getPort() > 0 ? uri.getPort() : 80;
    this.http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setPipelining(false),
        new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(100_000));
  }

  String token() {
    return token;
  }

  BenchApi useToken(String token) {
    this.token = token;
    return this;
  }

  Future<BenchApi> register() {
    JsonObject body = new JsonObject().put("email", "bench-" + UUID.randomUUID() + "@bench.test")
        .put("password", "bench-password-" + UUID.randomUUID());
    return call(HttpMethod.POST, "/v1/auth/register", body, null).map(r -> {
      token = r.getString("accessToken");
      return this;
    });
  }

  /** Registers another user, leaving this client's own token as it is: {userId, accessToken, ...}. */
  Future<JsonObject> registerUser() {
    JsonObject body = new JsonObject().put("email", "bench-" + UUID.randomUUID() + "@bench.test")
        .put("password", "bench-password-" + UUID.randomUUID());
    return call(HttpMethod.POST, "/v1/auth/register", body, null);
  }

  Future<JsonObject> addMember(String space, String userId, String role) {
    return call(HttpMethod.PUT, "/v1/spaces/" + space + "/members/" + userId, new JsonObject().put("role", role), null);
  }

  Future<JsonObject> setRules(String space, JsonObject rules) {
    return call(HttpMethod.PUT, "/v1/spaces/" + space + "/rules", rules, null);
  }

  Future<JsonObject> createSpace(String space) {
    return call(HttpMethod.PUT, "/v1/spaces/" + space, null, null);
  }

  Future<JsonObject> put(String space, String id, JsonObject data) {
    return call(HttpMethod.PUT, "/v1/spaces/" + space + "/documents/items/" + id, data, null);
  }

  Future<JsonObject> mutations(String space, io.vertx.core.json.JsonArray batch) {
    return call(HttpMethod.POST, "/v1/spaces/" + space + "/mutations", new JsonObject().put("mutations", batch), null);
  }

  Future<JsonObject> list(String space) {
    return call(HttpMethod.GET, "/v1/spaces/" + space + "/documents?limit=1000", null, null);
  }

  /** A listing request with {@code If-None-Match}; completes with the status (304 when unchanged). */
  Future<Integer> listIfChanged(String space, String etag) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost(host).setPort(port)
        .setURI("/v1/spaces/" + space + "/documents?limit=1000").putHeader("Authorization", "Bearer " + token)
        .putHeader("If-None-Match", etag);
    return http.request(options).compose(request -> request.send())
        .compose(response -> response.body().map(body -> response.statusCode()));
  }

  /** The ETag of a listing. */
  Future<String> listingTag(String space) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost(host).setPort(port)
        .setURI("/v1/spaces/" + space + "/documents?limit=1000").putHeader("Authorization", "Bearer " + token);
    return http.request(options).compose(request -> request.send())
        .compose(response -> response.body().map(body -> response.getHeader("ETag")));
  }

  Future<JsonObject> adminStats(String adminToken, boolean gc) {
    return call(HttpMethod.GET, "/admin/stats" + (gc ? "?gc=true" : ""), null, adminToken);
  }

  Future<Void> close() {
    return http.close();
  }

  private Future<JsonObject> call(HttpMethod method, String path, JsonObject body, String bearer) {
    // A request the server never answers fails after 30 s instead of stalling the whole run.
    RequestOptions options = new RequestOptions().setMethod(method).setHost(host).setPort(port).setURI(path)
        .setIdleTimeout(30_000).putHeader("Content-Type", "application/json");
    String auth = bearer != null ? bearer : token;
    if (auth != null) {
      options.putHeader("Authorization", "Bearer " + auth);
    }
    return http.request(options)
        .compose(request -> body == null ? request.send() : request.send(body.toBuffer()))
        .compose(response -> response.body().compose(buffer -> response.statusCode() < 300
            ? Future.succeededFuture(parse(buffer))
            : Future.failedFuture(method + " " + path + " answered " + response.statusCode() + " " + buffer)));
  }

  private static JsonObject parse(Buffer buffer) {
    return buffer.length() == 0 ? new JsonObject() : buffer.toJsonObject();
  }
}
