package io.tether.http;

import io.tether.core.JsonLimits;
import io.tether.service.ProfileService;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** The caller's own account: {@code GET} and {@code PATCH /v1/me}. */
final class MeRoutes {
  private final ProfileService profiles;
  private final JsonLimits json;

  MeRoutes(ProfileService profiles, JsonLimits json) {
    this.profiles = profiles;
    this.json = json;
  }

  void mount(Router router) {
    router.get("/v1/me").handler(this::get);
    router.patch("/v1/me").handler(this::patch);
  }

  private void get(RoutingContext rc) {
    profiles.me(Requests.principal(rc).userId())
        .onSuccess(body -> Requests.json(rc, 200, body))
        .onFailure(rc::fail);
  }

  private void patch(RoutingContext rc) {
    profiles.patch(Requests.principal(rc).userId(), Requests.body(rc, json))
        .onSuccess(body -> Requests.json(rc, 200, body))
        .onFailure(rc::fail);
  }
}
