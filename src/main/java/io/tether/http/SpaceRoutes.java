package io.tether.http;

import io.tether.service.ReadService;
import io.tether.auth.SpaceAccess;
import io.tether.bus.ChangeBus;
import io.tether.core.Ids;
import io.tether.core.JsonLimits;
import io.tether.core.Role;
import io.tether.core.TetherException;
import io.tether.store.SpaceStore;
import io.tether.store.UserStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** Spaces and their members. */
final class SpaceRoutes {
  private final SpaceStore spaces;
  private final UserStore users;
  private final SpaceAccess access;
  private final ReadService reads;
  private final ChangeBus bus;
  private final JsonLimits json;

  SpaceRoutes(SpaceStore spaces, UserStore users, SpaceAccess access, ReadService reads, ChangeBus bus,
              JsonLimits json) {
    this.bus = bus;
    this.spaces = spaces;
    this.users = users;
    this.access = access;
    this.reads = reads;
    this.json = json;
  }

  void mount(Router router) {
    router.put("/v1/spaces/:space").handler(this::createOrJoin);
    router.get("/v1/spaces/:space").handler(this::get);
    router.put("/v1/spaces/:space/members/:userId").handler(this::setMember);
    router.delete("/v1/spaces/:space/members/:userId").handler(this::removeMember);
  }

  private void createOrJoin(RoutingContext rc) {
    String space = Ids.space(rc.pathParam("space"));
    String userId = Requests.principal(rc).userId();
    spaces.createOrJoin(space, userId)
        .compose(joined -> joined.created() ? access.changed(space, userId).map(joined) : Future.succeededFuture(joined))
        .onSuccess(joined -> Requests.json(rc, joined.created() ? 201 : 200, new JsonObject()
            .put("id", space).put("seq", joined.space().seq()).put("epoch", joined.space().epoch())
            .put("role", joined.role().wire())))
        .onFailure(rc::fail);
  }

  private void get(RoutingContext rc) {
    reads.space(Ids.space(rc.pathParam("space")), Requests.principal(rc).userId())
        .onSuccess(body -> Requests.json(rc, 200, body))
        .onFailure(rc::fail);
  }

  private void setMember(RoutingContext rc) {
    String space = Ids.space(rc.pathParam("space"));
    String userId = Ids.user(rc.pathParam("userId"));
    Role role = Role.parse(Requests.body(rc, json).getString("role"));
    access.toManage(space, Requests.principal(rc).userId())
        .compose(ok -> userId.startsWith("ext-") ? Future.succeededFuture(true) : users.exists(userId))
        .compose(exists -> exists
            ? spaces.setMember(space, userId, role)
            : Future.failedFuture(TetherException.notFound("no such user")))
        .compose(done -> access.changed(space, userId))
        .onSuccess(done -> Requests.json(rc, 200, new JsonObject()
            .put("space", space).put("userId", userId).put("role", role.wire())))
        .onFailure(rc::fail);
  }

  private void removeMember(RoutingContext rc) {
    String space = Ids.space(rc.pathParam("space"));
    String userId = Ids.user(rc.pathParam("userId"));
    String caller = Requests.principal(rc).userId();
    // Members may leave on their own; removing someone else takes an owner.
    Future<Role> allowed = caller.equals(userId) ? access.toRead(space, caller) : access.toManage(space, caller);
    allowed.compose(ok -> spaces.removeMember(space, userId))
        .compose(done -> access.changed(space, userId))
        // Every node ends the removed member's live subscriptions; a lost message is caught by the
        // membership check each new subscription makes.
        .compose(done -> bus.publishRevocation(space, userId).otherwiseEmpty())
        .onSuccess(done -> rc.response().setStatusCode(204).end())
        .onFailure(rc::fail);
  }
}
