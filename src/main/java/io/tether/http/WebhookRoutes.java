package io.tether.http;

import io.tether.service.WebhookService;
import io.tether.core.Fields;
import io.tether.core.Ids;
import io.tether.core.JsonLimits;
import io.tether.core.TetherException;
import io.tether.webhooks.OutboundTargets;
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

  private final WebhookService webhooks;
  private final JsonLimits json;

  WebhookRoutes(WebhookService webhooks, JsonLimits json) {
    this.webhooks = webhooks;
    this.json = json;
  }

  void mount(Router router) {
    router.get("/v1/spaces/:space/webhooks").handler(this::list);
    router.put("/v1/spaces/:space/webhooks/:id").handler(this::put);
    router.delete("/v1/spaces/:space/webhooks/:id").handler(this::delete);
  }

  private void list(RoutingContext rc) {
    String space = Ids.space(rc.pathParam("space"));
    webhooks.list(space, Requests.principal(rc).userId())
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
    webhooks.put(space, Requests.principal(rc).userId(), id, url, chosen)
        .onSuccess(done -> Requests.json(rc, 200, new JsonObject().put("id", id).put("url", url.toString()).put("secret", chosen)))
        .onFailure(rc::fail);
  }

  private void delete(RoutingContext rc) {
    String space = Ids.space(rc.pathParam("space"));
    String id = Ids.document(rc.pathParam("id"));
    webhooks.delete(space, Requests.principal(rc).userId(), id)
        .onSuccess(deleted -> Requests.deleted(rc, deleted, "no such webhook"))
        .onFailure(rc::fail);
  }
}
