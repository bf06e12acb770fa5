package io.tether.http;

import io.tether.core.Fields;
import io.tether.auth.SpaceAccess;
import io.tether.core.Ids;
import io.tether.core.JsonLimits;
import io.tether.core.TetherException;
import io.tether.webhooks.OutboundTargets;
import io.tether.webhooks.WebhookStore;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * A space's outgoing webhooks, managed by its owners: {@code PUT /v1/spaces/{space}/webhooks/{id}}
 * {@code {url, secret?}} (the answer shows the secret, generated when not given; later reads never
 * do), {@code GET …/webhooks}, {@code DELETE …/webhooks/{id}}.
 */
final class WebhookRoutes {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final WebhookStore webhooks;
  private final SpaceAccess access;
  private final JsonLimits json;
  private final OutboundTargets targets;

  WebhookRoutes(WebhookStore webhooks, SpaceAccess access, JsonLimits json, OutboundTargets targets) {
    this.webhooks = webhooks;
    this.access = access;
    this.json = json;
    this.targets = targets;
  }

  void mount(Router router) {
    router.get("/v1/spaces/:space/webhooks").handler(this::list);
    router.put("/v1/spaces/:space/webhooks/:id").handler(this::put);
    router.delete("/v1/spaces/:space/webhooks/:id").handler(this::delete);
  }

  private void list(RoutingContext rc) {
    String space = Ids.space(rc.pathParam("space"));
    access.toManage(space, Requests.principal(rc).userId())
        .compose(owner -> webhooks.list(space))
        .onSuccess(list -> Requests.json(rc, 200, new JsonObject().put("webhooks", list)))
        .onFailure(rc::fail);
  }

  private void put(RoutingContext rc) {
    String space = Ids.space(rc.pathParam("space"));
    String id = Ids.document(rc.pathParam("id"));
    JsonObject body = Requests.body(rc, json);
    URI url = OutboundTargets.parse("url", Fields.requiredText(body, "url"));
    String secret = body.getString("secret");
    if (secret == null) {
      byte[] bytes = new byte[32];
      RANDOM.nextBytes(bytes);
      secret = HexFormat.of().formatHex(bytes);
    } else if (secret.length() < 16 || secret.length() > 256) {
      throw TetherException.badRequest("secret must be 16 to 256 characters");
    }
    String chosen = secret;
    access.toManage(space, Requests.principal(rc).userId())
        .compose(owner -> targets.check(url))
        .compose(ok -> webhooks.put(space, id, url.toString(), chosen, Requests.principal(rc).userId()))
        .onSuccess(done -> Requests.json(rc, 200, new JsonObject().put("id", id).put("url", url.toString()).put("secret", chosen)))
        .onFailure(rc::fail);
  }

  private void delete(RoutingContext rc) {
    String space = Ids.space(rc.pathParam("space"));
    String id = Ids.document(rc.pathParam("id"));
    access.toManage(space, Requests.principal(rc).userId())
        .compose(owner -> webhooks.delete(space, id))
        .onSuccess(deleted -> Requests.deleted(rc, deleted, "no such webhook"))
        .onFailure(rc::fail);
  }
}
