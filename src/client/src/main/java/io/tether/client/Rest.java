package io.tether.client;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.jspecify.annotations.Nullable;

/** JSON over HTTP with OkHttp, answered as futures; error bodies become {@link TetherException}s. */
final class Rest {
  private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");
  private final OkHttpClient http;
  private final HttpUrl base;

  Rest(OkHttpClient http, String baseUrl) {
    this.http = http;
    HttpUrl parsed = HttpUrl.parse(baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl);
    if (parsed == null) {
      throw new IllegalArgumentException("not an http(s) URL: " + baseUrl);
    }
    this.base = parsed;
  }

  HttpUrl base() {
    return base;
  }

  OkHttpClient http() {
    return http;
  }

  /** {@code path} starts with a slash and is already escaped; the answer is null for an empty body (204). */
  CompletableFuture<@Nullable JsonObject> call(String method, String path, @Nullable String token, @Nullable JsonElement body) {
    Request.Builder request = new Request.Builder().url(base + path)
        .method(method, body == null ? (method.equals("GET") ? null : RequestBody.create(new byte[0], null))
            : RequestBody.create(body.toString(), JSON));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    CompletableFuture<@Nullable JsonObject> answer = new CompletableFuture<>();
    http.newCall(request.build()).enqueue(new Callback() {
      @Override
      public void onFailure(Call call, IOException e) {
        answer.completeExceptionally(new TetherException(0, "unavailable", "network: " + e.getMessage(), e));
      }

      @Override
      public void onResponse(Call call, Response response) {
        try (ResponseBody responseBody = response.body()) {
          String text = responseBody.string();
          JsonObject json = text.isEmpty() ? null : JsonParser.parseString(text).getAsJsonObject();
          if (response.isSuccessful()) {
            answer.complete(json);
          } else {
            JsonObject error = json != null && json.has("error") && json.get("error").isJsonObject()
                ? json.getAsJsonObject("error") : new JsonObject();
            answer.completeExceptionally(new TetherException(response.code(),
                error.has("code") ? error.get("code").getAsString() : "unavailable",
                error.has("message") ? error.get("message").getAsString() : "HTTP " + response.code()));
          }
        } catch (IOException | RuntimeException e) {
          answer.completeExceptionally(new TetherException(0, "unavailable", "unreadable answer: " + e.getMessage(), e));
        }
      }
    });
    return answer;
  }

  /** One path segment, escaped. */
  static String segment(String value) {
    return HttpUrl.parse("http://x/").newBuilder().addPathSegment(value).build().encodedPath().substring(1);
  }

  static TetherException cause(Throwable error) {
    Throwable t = error;
    while ((t instanceof java.util.concurrent.CompletionException || t instanceof java.util.concurrent.ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t instanceof TetherException ? (TetherException) t : new TetherException(0, "unavailable", String.valueOf(t.getMessage()), t);
  }

  /**
   * Ends what an OkHttpClient holds: its dispatcher's threads (not daemons: they would keep the JVM
   * up for a minute) and its idle connections.
   */
  static void release(okhttp3.OkHttpClient http) {
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }
}
