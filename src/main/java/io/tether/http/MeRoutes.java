package io.tether.http;

import io.tether.auth.AccountService;
import io.tether.core.Fields;
import io.tether.core.JsonLimits;
import io.tether.core.Principal;
import io.tether.limits.RequestLimits;
import io.tether.service.ProfileService;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** The caller's own account: the profile, the sign-ins (sessions) and the password. */
final class MeRoutes {
  private final ProfileService profiles;
  private final AccountService accounts;
  private final RequestLimits limits;
  private final JsonLimits json;

  MeRoutes(ProfileService profiles, AccountService accounts, RequestLimits limits, JsonLimits json) {
    this.profiles = profiles;
    this.accounts = accounts;
    this.limits = limits;
    this.json = json;
  }

  void mount(Router router) {
    router.get("/v1/me").handler(this::get);
    router.patch("/v1/me").handler(this::patch);
    router.get("/v1/me/sessions").handler(this::sessions);
    router.delete("/v1/me/sessions").handler(this::revokeOthers);
    router.delete("/v1/me/sessions/:id").handler(this::revoke);
    router.post("/v1/me/password").handler(this::password);
  }

  private void sessions(RoutingContext rc) {
    Principal me = Requests.principal(rc);
    accounts.sessions(me.userId(), me.sessionId())
        .onSuccess(body -> Requests.json(rc, 200, body))
        .onFailure(rc::fail);
  }

  /** Ends every sign-in but the caller's own ("sign out everywhere else"). */
  private void revokeOthers(RoutingContext rc) {
    Principal me = Requests.principal(rc);
    accounts.revokeOtherSessions(me.userId(), me.sessionId())
        .onSuccess(done -> rc.response().setStatusCode(204).end())
        .onFailure(rc::fail);
  }

  private void revoke(RoutingContext rc) {
    accounts.revokeSession(Requests.principal(rc).userId(), rc.pathParam("id"))
        .onSuccess(done -> rc.response().setStatusCode(204).end())
        .onFailure(rc::fail);
  }

  /** {@code {currentPassword, newPassword}}: counted like a sign-in attempt, as it tries a password. */
  private void password(RoutingContext rc) {
    Principal me = Requests.principal(rc);
    io.vertx.core.json.JsonObject body = Requests.body(rc, json);
    limits.passwordAttempt(me.userId(), ApiRouter.clientIp(rc))
        .compose(ok -> accounts.changePassword(me.userId(), me.sessionId(), Fields.text(body, "currentPassword"),
            Fields.text(body, "newPassword")))
        .onSuccess(done -> rc.response().setStatusCode(204).end())
        .onFailure(rc::fail);
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
