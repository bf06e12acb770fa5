package io.tether.http;

import io.tether.auth.SpaceAccess;
import io.tether.core.Ids;
import io.tether.core.JsonLimits;
import io.tether.core.TetherException;
import io.tether.webhooks.WebhookStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * A space's outgoing webhooks, managed by its owners: {@code PUT /v1/spaces/{space}/webhooks/{id}}
 * {@code {url, secret?}} (the answer shows the secret, generated when not given; later reads never
 * do), {@code GET …/webhooks}, {@code DELETE …/webhooks/{id}}.
 */
final class WebhookRoutes {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Vertx vertx;
  private final WebhookStore webhooks;
  private final SpaceAccess access;
  private final JsonLimits json;
  private final boolean allowPrivateTargets;

  WebhookRoutes(Vertx vertx, WebhookStore webhooks, SpaceAccess access, JsonLimits json, boolean allowPrivateTargets) {
    this.vertx = vertx;
    this.webhooks = webhooks;
    this.access = access;
    this.json = json;
    this.allowPrivateTargets = allowPrivateTargets;
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
    URI url = url(Requests.requiredString(body, "url"));
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
        .compose(owner -> checkTarget(url))
        .compose(ok -> webhooks.put(space, id, url.toString(), chosen, Requests.principal(rc).userId()))
        .onSuccess(done -> Requests.json(rc, 200, new JsonObject().put("id", id).put("url", url.toString()).put("secret", chosen)))
        .onFailure(rc::fail);
  }

  private void delete(RoutingContext rc) {
    String space = Ids.space(rc.pathParam("space"));
    String id = Ids.document(rc.pathParam("id"));
    access.toManage(space, Requests.principal(rc).userId())
        .compose(owner -> webhooks.delete(space, id))
        .onSuccess(deleted -> {
          if (deleted) {
            rc.response().setStatusCode(204).end();
          } else {
            rc.fail(TetherException.notFound("no such webhook"));
          }
        })
        .onFailure(rc::fail);
  }

  private static URI url(String text) {
    try {
      URI url = new URI(text);
      if (text.length() > 2048 || url.getHost() == null || !("https".equals(url.getScheme()) || "http".equals(url.getScheme()))
          || url.getUserInfo() != null) {
        throw TetherException.badRequest("url must be an absolute http(s) URL without credentials, at most 2048 characters");
      }
      return url;
    } catch (java.net.URISyntaxException e) {
      throw TetherException.badRequest("url is not a valid URL");
    }
  }

  /** Unless allowed, a webhook may not make the server call into its own network (loopback, private, link-local). */
  private Future<Void> checkTarget(URI url) {
    if (allowPrivateTargets) {
      return Future.succeededFuture();
    }
    // Name resolution blocks: off the event loop.
    return vertx.executeBlocking(() -> {
      try {
        for (InetAddress address : InetAddress.getAllByName(url.getHost())) {
          if (address.isLoopbackAddress() || address.isSiteLocalAddress() || address.isLinkLocalAddress()
              || address.isAnyLocalAddress() || address.isMulticastAddress()) {
            throw TetherException.badRequest("url points into a private network (webhooks.allowPrivateTargets is off)");
          }
        }
        return null;
      } catch (UnknownHostException e) {
        throw TetherException.badRequest("url's host does not resolve");
      }
    }, false);
  }
}
