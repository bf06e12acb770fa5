package io.tether.http;

import io.tether.auth.AccountService;
import io.tether.auth.TokenService;
import io.tether.core.JsonLimits;
import io.tether.core.TetherException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** Registration, sign-in, and the handler that authenticates every other API call. */
final class AuthRoutes {
  private final AccountService accounts;
  private final TokenService tokens;
  private final JsonLimits json;

  AuthRoutes(AccountService accounts, TokenService tokens, JsonLimits json) {
    this.accounts = accounts;
    this.tokens = tokens;
    this.json = json;
  }

  void mount(Router router) {
    router.post("/v1/auth/register").handler(this::register);
    router.post("/v1/auth/login").handler(this::login);
  }

  /** Requires a valid bearer token and stores the principal for the handlers after it. */
  void authenticate(RoutingContext rc) {
    String header = rc.request().getHeader(HttpHeaders.AUTHORIZATION);
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      rc.fail(new TetherException(io.tether.core.ErrorCode.UNAUTHORIZED, "a bearer access token is required"));
      return;
    }
    tokens.verify(header.substring(7).trim())
        .onSuccess(principal -> {
          rc.put(Requests.PRINCIPAL, principal);
          rc.next();
        })
        .onFailure(rc::fail);
  }

  private void register(RoutingContext rc) {
    JsonObject body = Requests.body(rc, json);
    accounts.register(body.getString("email"), body.getString("password"))
        .onSuccess(session -> Requests.json(rc, 201, toJson(session)))
        .onFailure(rc::fail);
  }

  private void login(RoutingContext rc) {
    JsonObject body = Requests.body(rc, json);
    accounts.login(body.getString("email"), body.getString("password"))
        .onSuccess(session -> Requests.json(rc, 200, toJson(session)))
        .onFailure(rc::fail);
  }

  private static JsonObject toJson(AccountService.Session session) {
    return new JsonObject()
        .put("userId", session.userId())
        .put("accessToken", session.accessToken())
        .put("tokenType", "Bearer")
        .put("expiresIn", session.expiresIn());
  }
}
