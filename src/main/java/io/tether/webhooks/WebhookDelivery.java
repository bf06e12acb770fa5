package io.tether.webhooks;

import io.tether.core.Change;
import io.tether.jobs.JobFailure;
import io.tether.jobs.JobHandler;
import io.tether.jobs.JobQueue;
import io.tether.store.ChangeLog;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;

/**
 * Delivers one change to one webhook: POSTs {@code {webhook, change}} signed with the webhook's
 * secret. 2xx is delivered; 408, 429 and 5xx are retried (after Retry-After when given), as are
 * network failures; other answers will not change, so the job is dead at once. A webhook deleted
 * meanwhile has nothing left to deliver.
 */
public final class WebhookDelivery implements JobHandler {
  private final WebhookStore webhooks;
  private final ChangeLog changeLog;
  private final OutboundCall call;

  public WebhookDelivery(WebhookStore webhooks, ChangeLog changeLog, OutboundCall call) {
    this.webhooks = webhooks;
    this.changeLog = changeLog;
    this.call = call;
  }

  @Override
  public Future<Void> attempt(JobQueue.Job job) {
    String space = job.payload().getString("space");
    String id = job.payload().getString("webhook");
    long seq = job.payload().getLong("seq");
    return webhooks.get(space, id).compose(found -> found.isEmpty()
        ? Future.succeededFuture()
        : !found.get().creatorIsOwner()
        // A webhook speaks with its creator's authority: a creator who was demoted or removed no
        // longer sends the space's changes anywhere. A current owner re-registers it to resume.
        ? Future.failedFuture(JobFailure.permanent("webhook " + id + " of " + space
            + ": its creator is no longer an owner of the space; an owner must register it again"))
        : changeLog.readAfter(space, seq - 1, 1).map(ChangeLog.Page::items).compose(changes -> {
          if (changes.isEmpty() || changes.get(0).seq() != seq) {
            return Future.failedFuture(JobFailure.permanent("change " + seq + " of " + space + " was compacted before delivery"));
          }
          return post(found.get(), job.id(), changes.get(0));
        }));
  }

  private Future<Void> post(WebhookStore.Webhook webhook, long jobId, Change change) {
    Buffer body = new JsonObject().put("webhook", webhook.id()).put("change", change.toJson()).toBuffer();
    long now = System.currentTimeMillis() / 1000;
    MultiMap headers = MultiMap.caseInsensitiveMultiMap()
        .add("Content-Type", "application/json")
        .add("User-Agent", "Tether-Webhooks")
        .add("Tether-Delivery", String.valueOf(jobId))
        .add("Tether-Signature", WebhookSignature.header(webhook.secret(), now, body.getBytes()))
        // Standard Webhooks: the id stays the same across retries of one delivery, so receivers drop repeats.
        .add("webhook-id", "tether-" + jobId)
        .add("webhook-timestamp", String.valueOf(now))
        .add("webhook-signature", WebhookSignature.standard(webhook.secret(), "tether-" + jobId, now, body.getBytes()));
    return call.post(webhook.url(), headers, body)
        .recover(err -> Future.failedFuture(OutboundFailures.of(webhook.url(), err)))
        .compose(response -> {
          int status = response.status();
          if (status >= 200 && status < 300) {
            return Future.succeededFuture();
          }
          String why = webhook.url() + " answered " + status;
          if (status == 408 || status == 429 || status >= 500) {
            return Future.failedFuture(JobFailure.retry(why, JobFailure.retryAfterMillis(response.headers().get("Retry-After"))));
          }
          return Future.failedFuture(JobFailure.permanent(why));
        });
  }
}
