package io.tether.http;

import io.tether.core.Ids;
import io.tether.core.JsonLimits;
import io.tether.core.Role;
import io.tether.service.ReadService;
import io.tether.service.SpaceService;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** Spaces and their members. */
final class SpaceRoutes {
  private final SpaceService spaces;
  private final ReadService reads;
  private final JsonLimits json;

  private final io.tether.config.TetherConfig.Limits limits;

  SpaceRoutes(SpaceService spaces, ReadService reads, JsonLimits json, io.tether.config.TetherConfig.Limits limits) {
    this.limits = limits;
    this.spaces = spaces;
    this.reads = reads;
    this.json = json;
  }

  void mount(Router router) {
    router.get("/v1/spaces").handler(this::mine);
    router.post("/v1/spaces").handler(this::create);
    router.get("/v1/spaces/:space/members").handler(this::members);
    router.put("/v1/spaces/:space").handler(this::createOrJoin);
    router.get("/v1/spaces/:space").handler(this::get);
    router.patch("/v1/spaces/:space").handler(this::rename);
    router.delete("/v1/spaces/:space").handler(this::delete);
    router.put("/v1/spaces/:space/members/:userId").handler(this::setMember);
    router.delete("/v1/spaces/:space/members/:userId").handler(this::removeMember);
  }

  private void mine(RoutingContext rc) {
    int limit = Requests.intParam(rc, "limit", 50, 1, 100);
    spaces.mySpaces(Requests.principal(rc).userId(), rc.request().getParam("after"), limit)
        .onSuccess(body -> Requests.json(rc, 200, body))
        .onFailure(rc::fail);
  }

  private void members(RoutingContext rc) {
    int limit = Requests.intParam(rc, "limit", 100, 1, Math.max(1, limits.maxPageSize()));
    spaces.members(Ids.space(rc.pathParam("space")), Requests.principal(rc).userId(), rc.request().getParam("after"), limit)
        .onSuccess(body -> Requests.json(rc, 200, body))
        .onFailure(rc::fail);
  }

  /** {@code me} in a member path names the caller ({@code DELETE …/members/me} leaves the space). */
  private static String member(RoutingContext rc) {
    String named = rc.pathParam("userId");
    return "me".equals(named) ? Requests.principal(rc).userId() : Ids.user(named);
  }

  /** {@code PUT /v1/spaces/{id}} with an optional {@code {name}}: the app chose the id. */
  private void createOrJoin(RoutingContext rc) {
    String space = Ids.space(rc.pathParam("space"));
    String name = optionalName(rc);
    String caller = Requests.principal(rc).userId();
    if (io.tether.core.ServiceGrant.isActor(caller)) {
      // A backend makes a space for one of its users: {"owner": userId} is its first owner.
      Object owner = rc.body().buffer() == null || rc.body().buffer().length() == 0 ? null
          : Requests.body(rc, json).getValue("owner");
      if (!(owner instanceof String ownerId)) {
        throw io.tether.core.TetherException.badRequest("a service key names the space's first owner: {\"owner\": \"<userId>\"}");
      }
      spaces.createFor(space, caller, Ids.user(ownerId), name)
          .onSuccess(joined -> answer(rc, joined))
          .onFailure(rc::fail);
      return;
    }
    spaces.createOrJoin(space, caller, name)
        .onSuccess(joined -> answer(rc, joined))
        .onFailure(rc::fail);
  }

  /** {@code POST /v1/spaces} with {@code {name}}: the server makes an unguessable id. */
  private void create(RoutingContext rc) {
    Object name = Requests.body(rc, json).getValue("name");
    spaces.create(Requests.principal(rc).userId(), io.tether.core.Profile.name(name, "name"))
        .onSuccess(joined -> answer(rc, joined))
        .onFailure(rc::fail);
  }

  private static void answer(RoutingContext rc, io.tether.store.SpaceStore.Joined joined) {
    Requests.json(rc, joined.created() ? 201 : 200, new JsonObject()
        .put("id", joined.space().id()).put("name", joined.name()).put("seq", joined.space().seq())
        .put("epoch", joined.space().epoch()).put("role", joined.role().wire()));
  }

  /** The {@code name} of a body that may be absent. */
  private String optionalName(RoutingContext rc) {
    if (rc.body() == null || rc.body().buffer() == null || rc.body().buffer().length() == 0) {
      return null;
    }
    Object name = Requests.body(rc, json).getValue("name");
    return name == null ? null : io.tether.core.Profile.name(name, "name");
  }

  private void get(RoutingContext rc) {
    spaces.describe(Ids.space(rc.pathParam("space")), Requests.principal(rc).userId())
        .onSuccess(body -> Requests.json(rc, 200, body))
        .onFailure(rc::fail);
  }

  /** {@code PATCH /v1/spaces/{space}} with {@code {name}} (null clears it): owners only. */
  private void rename(RoutingContext rc) {
    String space = Ids.space(rc.pathParam("space"));
    JsonObject body = Requests.body(rc, json);
    if (!body.containsKey("name") || body.size() != 1) {
      throw io.tether.core.TetherException.badRequest("the body must be {\"name\": …} (null clears it)");
    }
    String name = body.getValue("name") == null ? null : io.tether.core.Profile.name(body.getValue("name"), "name");
    spaces.rename(space, Requests.principal(rc).userId(), name)
        .compose(done -> spaces.describe(space, Requests.principal(rc).userId()))
        .onSuccess(described -> Requests.json(rc, 200, described))
        .onFailure(rc::fail);
  }

  /** {@code DELETE /v1/spaces/{space}}: owners delete it and all it holds. */
  private void delete(RoutingContext rc) {
    spaces.delete(Ids.space(rc.pathParam("space")), Requests.principal(rc).userId())
        .onSuccess(done -> rc.response().setStatusCode(204).end())
        .onFailure(rc::fail);
  }

  private void setMember(RoutingContext rc) {
    String space = Ids.space(rc.pathParam("space"));
    String userId = Ids.user(rc.pathParam("userId"));
    Role role = Role.parse(Requests.body(rc, json).getString("role"));
    spaces.setMember(space, Requests.principal(rc).userId(), userId, role)
        .onSuccess(done -> Requests.json(rc, 200, new JsonObject()
            .put("space", space).put("userId", userId).put("role", role.wire())))
        .onFailure(rc::fail);
  }

  private void removeMember(RoutingContext rc) {
    String space = Ids.space(rc.pathParam("space"));
    String userId = member(rc);
    spaces.removeMember(space, Requests.principal(rc).userId(), userId)
        .onSuccess(done -> rc.response().setStatusCode(204).end())
        .onFailure(rc::fail);
  }
}
