package io.tether.http;

import io.tether.core.Fields;
import io.tether.core.Ids;
import io.tether.core.JsonLimits;
import io.tether.core.TetherException;
import io.tether.push.DeviceStore;
import io.tether.webhooks.OutboundTargets;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/** {@code PUT/DELETE /v1/devices/{deviceId}} and {@code GET /v1/devices}: the caller's own push devices. */
final class DeviceRoutes {
  private static final Set<String> PLATFORMS = Set.of("fcm", "apns", "webhook");

  private final DeviceStore devices;
  private final JsonLimits json;
  private final OutboundTargets targets;

  private final int maxPerUser;

  DeviceRoutes(DeviceStore devices, JsonLimits json, OutboundTargets targets, int maxPerUser) {
    this.maxPerUser = maxPerUser;
    this.devices = devices;
    this.json = json;
    this.targets = targets;
  }

  void mount(Router router) {
    router.get("/v1/devices").handler(rc -> devices.list(Requests.principal(rc).userId())
        .onSuccess(list -> Requests.json(rc, 200, new JsonObject().put("devices", list))).onFailure(rc::fail));
    router.put("/v1/devices/:deviceId").handler(this::put);
    router.delete("/v1/devices/:deviceId").handler(this::delete);
  }

  private void put(RoutingContext rc) {
    String deviceId = Ids.document(rc.pathParam("deviceId"));
    JsonObject body = Requests.body(rc, json);
    String platform = Fields.requiredText(body, "platform");
    if (!PLATFORMS.contains(platform)) {
      throw TetherException.badRequest("platform must be fcm, apns or webhook");
    }
    String token = Fields.requiredText(body, "token");
    if (token.length() > 4096) {
      throw TetherException.badRequest("token is longer than 4096 characters");
    }
    String locale = body.getString("locale");
    if (locale != null && !locale.matches("[A-Za-z]{2,8}([-_][A-Za-z0-9]{1,8}){0,3}")) {
      throw TetherException.badRequest("locale must be a language tag such as en-GB");
    }
    // A webhook device's token is the URL its pushes are POSTed to (a UnifiedPush endpoint, a gateway).
    Future<Void> checked = platform.equals("webhook") ? targets.check(OutboundTargets.parse("token", token)) : Future.succeededFuture();
    checked.compose(ok -> devices.put(Requests.principal(rc).userId(), deviceId, platform, token, locale, maxPerUser))
        .onSuccess(done -> Requests.json(rc, 200, new JsonObject().put("deviceId", deviceId).put("platform", platform)
            .put("locale", locale)))
        .onFailure(rc::fail);
  }

  private void delete(RoutingContext rc) {
    String deviceId = Ids.document(rc.pathParam("deviceId"));
    devices.delete(Requests.principal(rc).userId(), deviceId)
        .onSuccess(deleted -> Requests.deleted(rc, deleted, "no such device"))
        .onFailure(rc::fail);
  }
}
