package io.tether.http;

import io.tether.graphql.GraphQLApi;
import io.tether.graphql.Resolvers;
import io.tether.sync.ChangeStreams;
import io.tether.core.JsonLimits;
import io.tether.Node;
import io.tether.config.TetherConfig;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import java.util.Set;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.CorsHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;

/** All routes of the API, in one place; verticles and tests build exactly this router. */
public final class ApiRouter {
  private ApiRouter() {}

  public static Router create(Vertx vertx, Node node, Handler<RoutingContext> sync, GraphQLApi graphQL) {
    TetherConfig config = node.config();
    Router router = Router.router(vertx);
    ClientAddresses clients = new ClientAddresses(config.http().trustedProxies());
    router.route().handler(rc -> {
      rc.put(ClientAddresses.KEY, clients.of(rc.request()));
      rc.next();
    });
    router.route().handler(RequestTargets::handle);
    router.route().handler(AccessLog::handle);
    router.route().handler(new HttpHygiene(config.http().maxHeaders())::handle);
    if (!config.http().corsOrigins().isEmpty()) {
      router.route().handler(CorsHandler.create()
          .addOrigins(config.http().corsOrigins())
          .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE))
          .allowedHeaders(Set.of("Authorization", "Content-Type", "If-Match", "If-None-Match", "X-Request-Id"))
          .exposedHeaders(Set.of("ETag", "Retry-After"))
          .maxAgeSeconds(600));
    }
    new WebPages().mount(router);
    new HealthRoutes(vertx, node.stores().pool(), node.ops().drain(), config.redis().enabled() ? node.bus() : null)
        .mount(router);

    Handler<RoutingContext> ipLimit = rc -> {
      // Paused while the (possibly remote) check runs, so the body handler after it still sees the
      // body; the body handler resumes it.
      rc.request().pause();
      node.guards().limits().request(clientIp(rc)).onSuccess(ok -> rc.next()).onFailure(rc::fail);
    };
    // Routes without a body handler must not pause: nothing would resume the request, and the next
    // request on the kept-alive connection would never be read.
    Handler<RoutingContext> ipLimitNoBody = rc ->
        node.guards().limits().request(clientIp(rc)).onSuccess(ok -> rc.next()).onFailure(rc::fail);
    // Everything but the health probes counts against the client's address: the admin routes and
    // /metrics too, whose tokens could otherwise be guessed at line rate.
    // The admin API takes bodies (a new service key): paused through the check, resumed by the body handler.
    router.route("/admin/*").handler(ipLimit);
    router.route("/admin/*").handler(BodyHandler.create(false).setBodyLimit(64 * 1024));
    router.route("/metrics").handler(ipLimitNoBody);
    router.route("/v1/*").handler(ipLimit);
    router.route(GraphQLApi.PATH).handler(ipLimit);

    String metricsToken = config.server().metricsToken();
    if (metricsToken != null) {
      router.get("/metrics").handler(rc -> AdminRoutes.requireToken(rc, metricsToken, "the metrics token is required"));
    }
    router.get("/metrics").handler(PrometheusScrapingHandler.create(
        (io.micrometer.prometheusmetrics.PrometheusMeterRegistry) node.ops().metrics().registry()));
    new AdminRoutes(vertx, config.server().adminToken(), node.jobs().queue(), node.ops().stats(), node.ops().drain(),
        node.auth().services()).mount(router);
    router.get("/.well-known/jwks.json").handler(rc -> Requests.json(rc, 200, node.auth().tokens().jwks()));
    for (String document : new String[] {"openapi.yaml", "asyncapi.yaml"}) {
      router.get("/" + document).handler(rc -> vertx.fileSystem().readFile("webroot/" + document)
          .onSuccess(yaml -> rc.response().putHeader("Content-Type", "application/yaml; charset=utf-8").end(yaml))
          .onFailure(rc::fail));
    }
    router.get("/v1/sync").handler(sync);

    BodyHandler bodies = BodyHandler.create(false).setBodyLimit(config.http().maxBodyBytes());
    router.route("/v1/*").handler(bodies);
    JsonLimits json = node.guards().json();
    Node.Documents documents = node.documents();
    AuthRoutes auth = new AuthRoutes(node.auth().accounts(), node.auth().providers(), node.auth().tokens(),
        node.auth().services(), node.guards().limits(), json);
    graphQL.mount(router, bodies, auth::authenticate);
    auth.mount(router);
    router.route("/v1/spaces/*").handler(auth::authenticate);
    router.route("/v1/devices*").handler(auth::authenticate);
    AccountRoutes account = new AccountRoutes(node.spaces().deletion(), node.spaces().export(), node.guards().limits(), json);
    account.mountDeletion(router, auth);
    router.route("/v1/me*").handler(auth::authenticate);
    router.route("/v1/invites/*").handler(auth::authenticate);
    // After the authentication above: /v1/me/verify-email needs the caller, /v1/auth/... does not.
    new AccountEmailRoutes(node.auth().emails(), node.guards().limits(), json).mount(router);
    new SpaceRoutes(node.spaces().spaces(), documents.reads(), json, config.limits()).mount(router);
    account.mountExport(router);
    new MeRoutes(node.spaces().profiles(), node.auth().accounts(), node.guards().limits(), json).mount(router);
    new InviteRoutes(node.spaces().invites(), json, config.server().inviteUrl()).mount(router);
    new RulesRoutes(node.spaces().rules(), json).mount(router);
    new DocumentRoutes(documents.reads(), documents.writes(), json, config.limits()).mount(router);
    new ChangeRoutes(documents.reads(), config.limits()).mount(router);
    new MutationRoutes(documents.mutations(), json).mount(router);
    new DeviceRoutes(node.push().devices(), json, node.guards().outbound(), config.push().maxDevicesPerUser()).mount(router);
    new PushRoutes(node.spaces().spaces(), json).mount(router);
    new WebhookRoutes(node.spaces().webhooks(), json).mount(router);
    new PresenceRoutes(documents.reads(), config.presence().maxListed()).mount(router);

    router.route().failureHandler(ErrorResponses::render);
    for (int status : new int[] {400, 401, 403, 404, 405, 413, 415, 429, 431, 500, 503}) {
      router.errorHandler(status, ErrorResponses::render);
    }
    return router;
  }

  /** The GraphQL endpoint over the same services as the REST routes, its subscriptions over {@code streams}. */
  public static GraphQLApi graphQL(Vertx vertx, Node node, ChangeStreams streams) {
    TetherConfig config = node.config();
    Node.Documents documents = node.documents();
    Resolvers resolvers = new Resolvers(documents.reads(), documents.writes(), documents.mutations(),
        node.guards().limits(), node.guards().json(), config.limits(), node.spaces().spaces(), node.spaces().profiles());
    return new GraphQLApi(vertx, node.auth().tokens(), node.guards().connections(), resolvers, streams, config.graphql(),
        config.limits().defaultPageSize(), config.sync());
  }

  /** The client's address (see {@link ClientAddresses}): per-address limits and the access log use it. */
  static String clientIp(RoutingContext rc) {
    String client = rc.get(ClientAddresses.KEY);
    return client != null ? client
        : rc.request().remoteAddress() == null ? "unknown" : rc.request().remoteAddress().hostAddress();
  }
}
