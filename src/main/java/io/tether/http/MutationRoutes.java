package io.tether.http;

import io.tether.core.Ids;
import io.tether.core.JsonLimits;
import io.tether.service.MutationService;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** {@code POST /v1/spaces/{space}/mutations}: the idempotent offline mutation queue. */
final class MutationRoutes {
  private final MutationService mutations;
  private final JsonLimits json;

  MutationRoutes(MutationService mutations, JsonLimits json) {
    this.mutations = mutations;
    this.json = json;
  }

  void mount(Router router) {
    router.post("/v1/spaces/:space/mutations").handler(this::apply);
  }

  private void apply(RoutingContext rc) {
    String space = Ids.space(rc.pathParam("space"));
    JsonObject body = Requests.body(rc, json);
    mutations.apply(space, Requests.principal(rc).userId(), body.getValue("mutations"))
        .onSuccess(results -> Requests.json(rc, 200, new JsonObject().put("results", new JsonArray(results))))
        .onFailure(rc::fail);
  }
}
