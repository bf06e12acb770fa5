package io.tether.http;

import io.tether.auth.AccountEmails;
import io.tether.core.Fields;
import io.tether.core.JsonLimits;
import io.tether.limits.RequestLimits;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Password reset and email verification: codes sent by email, used once. */
final class AccountEmailRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(AccountEmailRoutes.class);

  private final AccountEmails emails;
  private final RequestLimits limits;
  private final JsonLimits json;

  AccountEmailRoutes(AccountEmails emails, RequestLimits limits, JsonLimits json) {
    this.emails = emails;
    this.limits = limits;
    this.json = json;
  }

  void mount(Router router) {
    router.post("/v1/auth/password-reset").handler(this::requestReset);
    router.post("/v1/auth/password-reset/confirm").handler(this::reset);
    router.post("/v1/auth/verify-email").handler(this::verify);
    router.post("/v1/me/verify-email").handler(this::requestVerification);
  }

  /**
   * {@code {email}} → 202 once the request is counted, before the account is even looked up: known
   * and unknown addresses get the same answer in the same time. Limited by address and by client.
   */
  private void requestReset(RoutingContext rc) {
    String email = AccountEmails.address(Fields.text(Requests.body(rc, json), "email"));
    limits.signIn(null, ApiRouter.clientIp(rc))
        .compose(ok -> limits.email(email, RequestLimits.requester(null, ApiRouter.clientIp(rc))))
        .compose(ok -> emails.available())
        .onSuccess(ok -> {
          Requests.json(rc, 202, new JsonObject()
              .put("message", "if an account has this address, an email with a reset code is on its way"));
          emails.requestReset(email).onFailure(err -> LOG.warn("A password reset could not be sent: {}", err.toString()));
        })
        .onFailure(rc::fail);
  }

  /** {@code {code, password, device?}} → 200 and a new session; every other sign-in of the account ends. */
  private void reset(RoutingContext rc) {
    JsonObject body = Requests.body(rc, json);
    limits.signIn(null, ApiRouter.clientIp(rc))
        .compose(ok -> emails.reset(Fields.text(body, "code"), Fields.text(body, "password"), AuthRoutes.label(rc, body)))
        .onSuccess(session -> Requests.json(rc, 200, AuthRoutes.toJson(session)))
        .onFailure(rc::fail);
  }

  /** {@code {code}} → 200 {@code {email, emailVerified}}; no token needed (the link may open on another device). */
  private void verify(RoutingContext rc) {
    JsonObject body = Requests.body(rc, json);
    limits.signIn(null, ApiRouter.clientIp(rc))
        .compose(ok -> emails.verify(Fields.text(body, "code")))
        .onSuccess(answer -> Requests.json(rc, 200, answer))
        .onFailure(rc::fail);
  }

  /** Sends the caller's address a verification code → 202. */
  private void requestVerification(RoutingContext rc) {
    String userId = Requests.principal(rc).userId();
    emails.available()
        .compose(ok -> emails.emailOf(userId))
        .compose(email -> limits.email(email, RequestLimits.requester(userId, null)))
        .compose(ok -> emails.requestVerification(userId))
        .onSuccess(ok -> Requests.json(rc, 202, new JsonObject().put("message", "a verification code is on its way")))
        .onFailure(rc::fail);
  }
}
