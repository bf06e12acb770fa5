package io.tether.http;

import io.tether.service.SpaceService;
import io.tether.core.Fields;
import io.tether.core.ErrorCode;
import io.tether.core.Ids;
import io.tether.core.JsonLimits;
import io.tether.core.TetherException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code POST /v1/spaces/{space}/notify} {@code {title?, body?, extra?}}: a writer notifies the
 * space's other members on their devices. {@code PUT /v1/spaces/{space}/push} {@code {includesData}}:
 * an owner lets pushes carry the changed document's data (off by default: pushes name the space,
 * seq and document only).
 */
final class PushRoutes {
  private final SpaceService spaces;
  private final JsonLimits json;

  PushRoutes(SpaceService spaces, JsonLimits json) {
    this.spaces = spaces;
    this.json = json;
  }

  void mount(Router router) {
    router.post("/v1/spaces/:space/notify").handler(this::notifyMembers);
    router.put("/v1/spaces/:space/push").handler(this::settings);
  }

  private void notifyMembers(RoutingContext rc) {
    String space = Ids.space(rc.pathParam("space"));
    JsonObject body = Requests.body(rc, json);
    String title = Fields.text(body, "title");
    String text = Fields.text(body, "body");
    Object extra = body.getValue("extra");
    if (extra != null && !(extra instanceof JsonObject)) {
      throw TetherException.badRequest("extra must be an object");
    }
    if (body.encode().length() > 3000) {
      throw new TetherException(ErrorCode.TOO_LARGE, "a notification carries at most 3000 bytes (push services cap payloads at 4 KiB)");
    }
    spaces.notifyMembers(space, Requests.principal(rc).userId(), title, text, (JsonObject) extra)
        .onSuccess(queued -> Requests.json(rc, 202, new JsonObject().put("queued", true)))
        .onFailure(rc::fail);
  }

  private void settings(RoutingContext rc) {
    String space = Ids.space(rc.pathParam("space"));
    Object includes = Requests.body(rc, json).getValue("includesData");
    if (!(includes instanceof Boolean includesData)) {
      throw TetherException.badRequest("includesData must be true or false");
    }
    spaces.setPushIncludesData(space, Requests.principal(rc).userId(), includesData)
        .onSuccess(done -> Requests.json(rc, 200, new JsonObject().put("includesData", includesData)))
        .onFailure(rc::fail);
  }
}
