package io.tether.push;

import io.tether.jobs.JobFailure;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

/**
 * The generic provider: the device's token is a URL, and each push is POSTed there as JSON (the way
 * UnifiedPush distributors and in-house gateways take them). 404 and 410 mean the endpoint is gone.
 */
public final class WebhookPushProvider implements PushProvider {
  private final HttpClient http;
  private final long timeoutMillis;

  public WebhookPushProvider(HttpClient http, long timeoutMillis) {
    this.http = http;
    this.timeoutMillis = timeoutMillis;
  }

  @Override
  public Future<Void> send(PushMessage message) {
    JsonObject body = new JsonObject().put("space", message.space()).put("seq", message.seq())
        .put("collection", message.collection()).put("id", message.id()).put("data", message.data())
        .put("title", message.title()).put("body", message.body()).put("extra", message.extra());
    RequestOptions request = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(message.token())
        .setConnectTimeout(timeoutMillis).setIdleTimeout(timeoutMillis).putHeader("Content-Type", "application/json");
    return http.request(request)
        .compose(req -> req.send(body.toBuffer()))
        .recover(err -> Future.failedFuture(JobFailure.retry("push endpoint unreachable: " + err.getMessage(), 0)))
        .compose(response -> response.body().compose(answer -> {
          int status = response.statusCode();
          if (status >= 200 && status < 300) {
            return Future.succeededFuture();
          }
          if (status == 404 || status == 410) {
            return Future.failedFuture(new Unregistered("push endpoint answered " + status));
          }
          return Future.failedFuture(ProviderErrors.classify("push endpoint", response, answer.toString()));
        }));
  }
}
