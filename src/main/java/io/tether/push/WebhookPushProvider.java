package io.tether.push;

import io.tether.jobs.JobFailure;
import io.vertx.core.Future;
import io.tether.webhooks.OutboundCall;
import io.tether.webhooks.OutboundFailures;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;

/**
 * The generic provider: the device's token is a URL, and each push is POSTed there as JSON (the way
 * UnifiedPush distributors and in-house gateways take them). 404 and 410 mean the endpoint is gone.
 */
public final class WebhookPushProvider implements PushProvider {
  private final OutboundCall call;

  public WebhookPushProvider(OutboundCall call) {
    this.call = call;
  }

  @Override
  public Future<Void> send(PushMessage message) {
    JsonObject body = new JsonObject().put("space", message.space()).put("seq", message.seq())
        .put("collection", message.collection()).put("id", message.id()).put("data", message.data())
        .put("title", message.title()).put("body", message.body()).put("extra", message.extra());
    return call.post(message.token(), MultiMap.caseInsensitiveMultiMap().add("Content-Type", "application/json"),
            body.toBuffer())
        .recover(err -> Future.failedFuture(OutboundFailures.of("push endpoint", err)))
        .compose(response -> {
          int status = response.status();
          if (status >= 200 && status < 300) {
            return Future.succeededFuture();
          }
          if (status == 404 || status == 410) {
            return Future.failedFuture(new Unregistered("push endpoint answered " + status));
          }
          return Future.failedFuture(ProviderErrors.classify("push endpoint", status, response.headers(),
              response.body().toString()));
        });
  }
}
