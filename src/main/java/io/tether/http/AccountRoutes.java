package io.tether.http;

import io.tether.core.JsonLimits;
import io.tether.limits.RequestLimits;
import io.tether.service.AccountDeletion;
import io.tether.service.AccountExport;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** The account as a whole: deleting it, and exporting what Tether holds about it. */
final class AccountRoutes {
  private final AccountDeletion deletion;
  private final AccountExport export;
  private final RequestLimits limits;
  private final JsonLimits json;

  AccountRoutes(AccountDeletion deletion, AccountExport export, RequestLimits limits, JsonLimits json) {
    this.deletion = deletion;
    this.export = export;
    this.limits = limits;
    this.json = json;
  }

  /** Before the authentication of {@code /v1/me*}: a repeated deletion must still be let in. */
  void mountDeletion(Router router, AuthRoutes auth) {
    router.delete("/v1/me").handler(auth::authenticateEvenIfDeleted).handler(this::delete);
  }

  void mountExport(Router router) {
    router.get("/v1/me/export").handler(this::export);
  }

  /** {@code {password?, soleOwnedSpaces?, anonymize?}} (an empty body is {}); counted like a sign-in attempt. */
  private void delete(RoutingContext rc) {
    JsonObject body = rc.body().buffer() == null || rc.body().buffer().length() == 0 ? new JsonObject() : Requests.body(rc, json);
    limits.passwordAttempt(Requests.principal(rc).userId(), ApiRouter.clientIp(rc))
        .compose(ok -> deletion.delete(Requests.principal(rc), body))
        .onSuccess(answer -> Requests.json(rc, 200, answer))
        .onFailure(rc::fail);
  }

  private void export(RoutingContext rc) {
    String userId = Requests.principal(rc).userId();
    limits.export(userId)
        .compose(ok -> export.start(userId))
        .onSuccess(streaming -> {
          HttpServerResponse response = rc.response().setChunked(true)
              .putHeader("Content-Type", "application/json; charset=utf-8")
              .putHeader("Content-Disposition", "attachment; filename=\"tether-export.json\"")
              .putHeader("Cache-Control", "no-store");
          streaming.writeTo(text -> response.closed() ? Future.failedFuture("the client went away") : response.write(text))
              .onSuccess(done -> response.end())
              // The status is sent: a broken export can only be cut short, which a JSON parser notices.
              .onFailure(err -> response.reset());
        })
        .onFailure(rc::fail);
  }
}
