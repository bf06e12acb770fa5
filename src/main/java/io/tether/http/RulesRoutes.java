package io.tether.http;

import io.tether.core.Ids;
import io.tether.core.JsonLimits;
import io.tether.service.RulesService;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** A space's read and write rules, for its owners. */
final class RulesRoutes {
  private final RulesService rules;
  private final JsonLimits json;

  RulesRoutes(RulesService rules, JsonLimits json) {
    this.rules = rules;
    this.json = json;
  }

  void mount(Router router) {
    router.get("/v1/spaces/:space/rules").handler(this::get);
    router.put("/v1/spaces/:space/rules").handler(this::set);
  }

  private void get(RoutingContext rc) {
    rules.get(Ids.space(rc.pathParam("space")), Requests.principal(rc).userId())
        .onSuccess(body -> Requests.json(rc, 200, body))
        .onFailure(rc::fail);
  }

  private void set(RoutingContext rc) {
    rules.set(Ids.space(rc.pathParam("space")), Requests.principal(rc).userId(), Requests.body(rc, json))
        .onSuccess(body -> Requests.json(rc, 200, body))
        .onFailure(rc::fail);
  }
}
