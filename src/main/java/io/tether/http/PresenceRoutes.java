package io.tether.http;

import io.tether.service.ReadService;
import io.tether.core.Ids;
import io.tether.presence.Member;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** Who is in a space right now, for members that hold no socket (a list screen, a server-side job). */
final class PresenceRoutes {
  private final ReadService reads;

  PresenceRoutes(ReadService reads) {
    this.reads = reads;
  }

  void mount(Router router) {
    router.get("/v1/spaces/:space/presence").handler(this::get);
  }

  private void get(RoutingContext rc) {
    String space = Ids.space(rc.pathParam("space"));
    reads.presence(space, Requests.principal(rc).userId())
        .onSuccess(members -> {
          JsonArray out = new JsonArray();
          members.stream().map(Member::toJson).forEach(out::add);
          Requests.json(rc, 200, new JsonObject().put("space", space).put("members", out));
        })
        .onFailure(rc::fail);
  }
}
