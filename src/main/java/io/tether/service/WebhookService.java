package io.tether.service;

import io.tether.auth.SpaceAccess;
import io.tether.webhooks.OutboundTargets;
import io.tether.webhooks.WebhookStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import java.net.URI;

/** A space's webhooks, managed by its owners; a target must pass the outbound rules when registered. */
public final class WebhookService {
  private final WebhookStore webhooks;
  private final SpaceAccess access;
  private final OutboundTargets targets;

  private final int maxPerSpace;

  public WebhookService(WebhookStore webhooks, SpaceAccess access, OutboundTargets targets, int maxPerSpace) {
    this.webhooks = webhooks;
    this.access = access;
    this.targets = targets;
    this.maxPerSpace = maxPerSpace;
  }

  public Future<JsonArray> list(String space, String caller) {
    return access.toManage(space, caller).compose(owner -> webhooks.list(space));
  }

  public Future<Void> put(String space, String caller, String id, URI url, String secret) {
    return access.toManage(space, caller)
        .compose(owner -> targets.check(url))
        .compose(ok -> webhooks.put(space, id, url.toString(), secret, caller, maxPerSpace));
  }

  /** Whether there was such a webhook. */
  public Future<Boolean> delete(String space, String caller, String id) {
    return access.toManage(space, caller).compose(owner -> webhooks.delete(space, id));
  }
}
