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
  private final int maxListed;

  PresenceRoutes(ReadService reads, int maxListed) {
    this.reads = reads;
    this.maxListed = maxListed;
  }

  void mount(Router router) {
    router.get("/v1/spaces/:space/presence").handler(this::get);
  }

  private void get(RoutingContext rc) {
    String space = Ids.space(rc.pathParam("space"));
    reads.presence(space, Requests.principal(rc).userId())
        .onSuccess(members -> {
          JsonArray out = new JsonArray();
          // A count and a bounded list, as on the socket: a space of 10,000 is not a 1 MB answer.
          members.stream().limit(maxListed).map(Member::toJson).forEach(out::add);
          Requests.json(rc, 200, new JsonObject().put("space", space).put("count", members.size()).put("members", out));
        })
        .onFailure(rc::fail);
  }
}
