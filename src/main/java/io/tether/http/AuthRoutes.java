package io.tether.http;

import io.tether.auth.BearerToken;
import io.tether.core.Fields;
import io.tether.auth.AccountService;
import io.tether.auth.ServiceKeys;
import io.tether.auth.TokenService;
import io.tether.core.ErrorCode;
import io.tether.core.Principal;
import io.tether.core.JsonLimits;
import io.tether.limits.RequestLimits;
import io.tether.core.TetherException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** Registration, sign-in, and the handler that authenticates every other API call. */
final class AuthRoutes {
  private final AccountService accounts;
  private final io.tether.auth.ProviderSignIn providers;
  private final TokenService tokens;
  private final ServiceKeys services;
  private final RequestLimits limits;
  private final JsonLimits json;

  AuthRoutes(AccountService accounts, io.tether.auth.ProviderSignIn providers, TokenService tokens, ServiceKeys services,
             RequestLimits limits, JsonLimits json) {
    this.services = services;
    this.accounts = accounts;
    this.providers = providers;
    this.tokens = tokens;
    this.limits = limits;
    this.json = json;
  }

  void mount(Router router) {
    router.post("/v1/auth/register").handler(this::register);
    router.post("/v1/auth/login").handler(this::login);
    router.post("/v1/auth/refresh").handler(this::refresh);
    router.post("/v1/auth/logout").handler(this::logout);
    router.post("/v1/auth/exchange").handler(this::exchange);
  }

  /**
   * {@code {provider, idToken, nonce?, device?}}: an ID token of a configured provider for a Tether
   * session (201 when the user was made by it, 200 otherwise). Counted like a sign-in attempt.
   */
  private void exchange(RoutingContext rc) {
    JsonObject body = Requests.body(rc, json);
    limits.signIn(null, ApiRouter.clientIp(rc))
        .compose(ok -> providers.exchange(Fields.text(body, "provider"), Fields.text(body, "idToken"),
            Fields.text(body, "nonce"), label(rc, body)))
        .onSuccess(outcome -> Requests.json(rc, outcome.created() ? 201 : 200,
            toJson(outcome.session()).put("created", outcome.created())))
        .onFailure(rc::fail);
  }

  /** Requires a valid bearer token and stores the principal for the handlers after it. */
  void authenticate(RoutingContext rc) {
    authenticate(rc, false);
  }

  /** The same, but a deleted user's token passes: for repeating the deletion only (it is idempotent). */
  void authenticateEvenIfDeleted(RoutingContext rc) {
    authenticate(rc, true);
  }

  private void authenticate(RoutingContext rc, boolean evenIfDeleted) {
    String token;
    try {
      token = BearerToken.required(rc.request().headers().getAll(HttpHeaders.AUTHORIZATION));
    } catch (TetherException e) {
      rc.fail(e);
      return;
    }
    if (ServiceKeys.isKey(token)) {
      authenticateService(rc, token);
      return;
    }
    (evenIfDeleted ? tokens.verifyEvenIfDeleted(token) : tokens.verify(token))
        .compose(principal -> limits.user(principal.userId()).map(principal))
        .onSuccess(principal -> {
          rc.put(Requests.PRINCIPAL, principal);
          rc.next();
        })
        .onFailure(rc::fail);
  }

  /**
   * A service key acts on spaces (REST under /v1/spaces, and GraphQL over HTTP) as {@code service:<name>};
   * what is a user's own (/v1/me, devices, invites to accept) is refused with 401
   * {@code service_key_not_allowed}. Its principal never expires within the request.
   */
  private void authenticateService(RoutingContext rc, String key) {
    String path = rc.request().path();
    if (!path.startsWith("/v1/spaces/") && !path.equals("/graphql")) {
      rc.fail(new TetherException(ErrorCode.SERVICE_KEY_NOT_ALLOWED, "a service key acts on spaces: use "
          + "/v1/spaces/… or /graphql over HTTP; " + path + " is a signed-in user's own"));
      return;
    }
    services.verify(key)
        .compose(grant -> limits.service(grant).map(grant))
        .onSuccess(grant -> {
          rc.put(Requests.PRINCIPAL, new Principal(grant.actor(), Long.MAX_VALUE / 1000));
          rc.next();
        })
        .onFailure(rc::fail);
  }

  private void register(RoutingContext rc) {
    JsonObject body = Requests.body(rc, json);
    limits.signIn(null, ApiRouter.clientIp(rc))
        .compose(ok -> accounts.register(Fields.text(body, "email"), Fields.text(body, "password"), label(rc, body)))
        .onSuccess(session -> Requests.json(rc, 201, toJson(session)))
        .onFailure(rc::fail);
  }

  private void login(RoutingContext rc) {
    JsonObject body = Requests.body(rc, json);
    String email = Fields.text(body, "email");
    String password = Fields.text(body, "password");
    // Checked before anything is keyed by it: a 1 MiB "email" must not become a rate-limit bucket.
    AccountService.requireCredentialShape(email, password);
    limits.signIn(email, ApiRouter.clientIp(rc))
        .compose(ok -> accounts.login(email, password, label(rc, body)))
        .onSuccess(session -> Requests.json(rc, 200, toJson(session)))
        .onFailure(rc::fail);
  }

  /**
   * What the sessions list calls this sign-in: the body's {@code device} (an app's "Ann's iPhone"), else
   * the User-Agent; at most 100 characters, control characters dropped.
   */
  static String label(RoutingContext rc, JsonObject body) {
    Object device = body.getValue("device");
    String raw = device instanceof String named && !named.isBlank() ? named : rc.request().getHeader(HttpHeaders.USER_AGENT);
    if (raw == null) {
      return null;
    }
    String clean = raw.codePoints().filter(c -> !Character.isISOControl(c))
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString().strip();
    return clean.isEmpty() ? null : clean.length() > 100 ? clean.substring(0, 100) : clean;
  }

  private void refresh(RoutingContext rc) {
    accounts.refresh(Fields.text(Requests.body(rc, json), "refreshToken"))
        .onSuccess(session -> Requests.json(rc, 200, toJson(session)))
        .onFailure(rc::fail);
  }

  private void logout(RoutingContext rc) {
    accounts.logout(Fields.text(Requests.body(rc, json), "refreshToken"))
        .onSuccess(done -> rc.response().setStatusCode(204).end())
        .onFailure(rc::fail);
  }

  static JsonObject toJson(AccountService.Session session) {
    return new JsonObject()
        .put("userId", session.userId())
        .put("accessToken", session.accessToken())
        .put("refreshToken", session.refreshToken())
        .put("tokenType", "Bearer")
        .put("expiresIn", session.expiresIn());
  }
}
