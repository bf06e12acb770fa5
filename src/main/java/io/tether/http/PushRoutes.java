package io.tether.http;

import io.tether.core.Fields;
import io.tether.auth.SpaceAccess;
import io.tether.core.ErrorCode;
import io.tether.core.Ids;
import io.tether.core.JsonLimits;
import io.tether.core.TetherException;
import io.tether.push.PushJobs;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

/**
 * {@code POST /v1/spaces/{space}/notify} {@code {title?, body?, extra?}}: a writer notifies the
 * space's other members on their devices. {@code PUT /v1/spaces/{space}/push} {@code {includesData}}:
 * an owner lets pushes carry the changed document's data (off by default: pushes name the space,
 * seq and document only).
 */
final class PushRoutes {
  private final PushJobs push;
  private final SpaceAccess access;
  private final Pool pool;
  private final JsonLimits json;

  PushRoutes(PushJobs push, SpaceAccess access, Pool pool, JsonLimits json) {
    this.push = push;
    this.access = access;
    this.pool = pool;
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
    String sender = Requests.principal(rc).userId();
    access.toWrite(space, sender)
        .compose(writer -> push.notifyMembers(space, sender, title, text, (JsonObject) extra))
        .onSuccess(queued -> Requests.json(rc, 202, new JsonObject().put("queued", true)))
        .onFailure(rc::fail);
  }

  private void settings(RoutingContext rc) {
    String space = Ids.space(rc.pathParam("space"));
    Object includes = Requests.body(rc, json).getValue("includesData");
    if (!(includes instanceof Boolean includesData)) {
      throw TetherException.badRequest("includesData must be true or false");
    }
    access.toManage(space, Requests.principal(rc).userId())
        .compose(owner -> pool.preparedQuery("UPDATE spaces SET push_includes_data = $2 WHERE id = $1")
            .execute(Tuple.of(space, includesData)))
        .onSuccess(done -> Requests.json(rc, 200, new JsonObject().put("includesData", includesData)))
        .onFailure(rc::fail);
  }
}
