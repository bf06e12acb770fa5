package io.tether.http;

import io.tether.core.Ids;
import io.tether.core.JsonLimits;
import io.tether.service.InviteService;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** Invitations: owners make, list and revoke them; anyone signed in accepts one by its code. */
final class InviteRoutes {
  private final InviteService invites;
  private final JsonLimits json;
  private final String urlTemplate;

  InviteRoutes(InviteService invites, JsonLimits json, String urlTemplate) {
    this.invites = invites;
    this.json = json;
    this.urlTemplate = urlTemplate;
  }

  void mount(Router router) {
    router.post("/v1/spaces/:space/invites").handler(this::create);
    router.get("/v1/spaces/:space/invites").handler(this::list);
    router.delete("/v1/spaces/:space/invites/:id").handler(this::revoke);
    router.post("/v1/invites/:code/accept").handler(this::accept);
  }

  private void create(RoutingContext rc) {
    // A path is the request's own origin's: set server.inviteUrl to an absolute deep link behind a proxy.
    String template = urlTemplate.startsWith("/")
        ? rc.request().scheme() + "://" + rc.request().authority() + urlTemplate : urlTemplate;
    invites.create(Ids.space(rc.pathParam("space")), Requests.principal(rc).userId(), Requests.body(rc, json), template)
        .onSuccess(body -> Requests.json(rc, 201, body))
        .onFailure(rc::fail);
  }

  private void list(RoutingContext rc) {
    int limit = Requests.intParam(rc, "limit", 50, 1, 100);
    invites.list(Ids.space(rc.pathParam("space")), Requests.principal(rc).userId(), rc.request().getParam("after"), limit)
        .onSuccess(body -> Requests.json(rc, 200, body))
        .onFailure(rc::fail);
  }

  private void revoke(RoutingContext rc) {
    invites.revoke(Ids.space(rc.pathParam("space")), Requests.principal(rc).userId(), rc.pathParam("id"))
        .onSuccess(done -> rc.response().setStatusCode(204).end())
        .onFailure(rc::fail);
  }

  private void accept(RoutingContext rc) {
    invites.accept(rc.pathParam("code"), Requests.principal(rc).userId())
        .onSuccess(body -> Requests.json(rc, 200, body))
        .onFailure(rc::fail);
  }
}
