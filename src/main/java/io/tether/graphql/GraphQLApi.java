package io.tether.graphql;

import graphql.GraphQL;
import graphql.introspection.Introspection;
import graphql.schema.DataFetchingEnvironment;
import graphql.schema.GraphQLSchema;
import graphql.schema.idl.RuntimeWiring;
import graphql.schema.idl.SchemaGenerator;
import graphql.schema.idl.SchemaParser;
import io.tether.Node;
import io.tether.auth.TokenService;
import io.tether.config.TetherConfig;
import io.tether.core.Change;
import io.tether.core.Ids;
import io.tether.core.TetherException;
import io.tether.sync.ChangeStreams;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.graphql.GraphQLHandler;
import io.vertx.ext.web.handler.graphql.ws.ConnectionInitEvent;
import io.vertx.ext.web.handler.graphql.ws.GraphQLWSHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code /graphql}: queries and mutations over HTTP (POST, or GET for queries), subscriptions over
 * graphql-transport-ws on the same path, and the SDL at {@code /graphql/schema.graphql}. One per API
 * verticle, because subscriptions live on the verticle's event loop like native sockets.
 */
public final class GraphQLApi {
  public static final String PATH = "/graphql";
  /** The subprotocol graphql-ws clients (Apollo, urql) ask for; the HTTP server must offer it. */
  public static final String SUBPROTOCOL = "graphql-transport-ws";
  static final String SCHEMA_RESOURCE = "graphql/schema.graphql";
  private static final String OPEN_SUBSCRIPTIONS = "tether.graphql.subscriptions";

  private final Node node;
  private final GraphQL graphQL;
  private final String sdl;
  // Expiry timers of this verticle's GraphQL sockets (one event loop: no locking).
  private final Map<ServerWebSocket, Long> expiryTimers = new HashMap<>();

  public GraphQLApi(Node node, ChangeStreams streams) {
    this.node = node;
    this.sdl = readSchema();
    Resolvers resolvers = new Resolvers(node);
    RuntimeWiring wiring = RuntimeWiring.newRuntimeWiring()
        .scalar(Scalars.JSON)
        .scalar(Scalars.LONG)
        .type("Query", t -> t.dataFetcher("space", resolvers.space()).dataFetcher("document", resolvers.document())
            .dataFetcher("documents", resolvers.documents()).dataFetcher("changes", resolvers.changes()))
        .type("Mutation", t -> t.dataFetcher("putDocument", resolvers.write(Change.Op.PUT))
            .dataFetcher("patchDocument", resolvers.write(Change.Op.PATCH))
            .dataFetcher("deleteDocument", resolvers.write(Change.Op.DELETE))
            .dataFetcher("mutate", resolvers.mutate()))
        .type("Subscription", t -> t.dataFetcher("changes", env -> subscribe(env, resolvers, streams)))
        .build();
    GraphQLSchema schema = new SchemaGenerator().makeExecutableSchema(new SchemaParser().parse(sdl), wiring);
    TetherConfig.Graphql config = node.config().graphql();
    GraphQLErrors errors = new GraphQLErrors();
    this.graphQL = GraphQL.newGraphQL(schema)
        .defaultDataFetcherExceptionHandler(errors)
        .instrumentation(GraphQLErrors.limits(config.maxDepth(), config.maxCost(), node.config().limits().defaultPageSize()))
        .build();
  }

  /**
   * Mounts the endpoint. {@code authenticate} is REST's (bearer token, per-user rate limit); it runs
   * after {@code bodyHandler} for HTTP requests. WebSocket upgrades authenticate in connection_init.
   */
  public void mount(Router router, Handler<RoutingContext> bodyHandler, Handler<RoutingContext> authenticate) {
    router.get(PATH + "/schema.graphql").handler(rc -> rc.response()
        .putHeader("Content-Type", "text/plain; charset=utf-8").end(sdl));
    router.get(PATH).handler(GraphQLWSHandler.builder(graphQL)
        .onConnectionInit(this::connectionInit)
        .onSocketEnd(socket -> {
          Long timer = expiryTimers.remove(socket);
          if (timer != null) {
            node.vertx().cancelTimer(timer);
          }
        })
        .beforeExecute(input -> input.builder().graphQLContext(ctx -> context(ctx, input.context().connectionParams())))
        .build());
    router.route(PATH).method(HttpMethod.GET).method(HttpMethod.POST)
        .handler(bodyHandler).handler(authenticate).handler(GraphQLHandler.builder(graphQL)
        .beforeExecute(input -> input.builder().graphQLContext(ctx -> context(ctx, input.context().get(Resolvers.PRINCIPAL))
            .put(Resolvers.ADMITTED, Future.succeededFuture())))
        .build());
  }

  private graphql.GraphQLContext.Builder context(graphql.GraphQLContext.Builder context, Object principal) {
    context.put(Resolvers.PRINCIPAL, principal);
    if (!node.config().graphql().introspection()) {
      context.put(Introspection.INTROSPECTION_DISABLED, true);
    }
    return context;
  }

  /**
   * A token in connection_init's payload ({@code {"authorization": "Bearer …"}} or {@code {"token": …}}),
   * else the upgrade request's Authorization header. Refused: the socket closes with 4401. The socket
   * closes with 4401 too when the token expires, as the protocol has no way to replace it.
   */
  private void connectionInit(ConnectionInitEvent event) {
    Object payload = event.message().message().getValue("payload");
    String token = payload instanceof JsonObject p ? bearer(p.getString("authorization", p.getString("Authorization", p.getString("token")))) : null;
    if (token == null) {
      token = bearer(event.message().socket().headers().get("Authorization"));
    }
    if (token == null) {
      event.fail(new TetherException(io.tether.core.ErrorCode.UNAUTHORIZED, "a bearer token is required"));
      return;
    }
    TokenService tokens = node.tokens();
    tokens.verify(token)
        .onSuccess(principal -> {
          long untilExpiry = principal.expiresAtEpochSeconds() * 1000 - System.currentTimeMillis();
          Vertx vertx = node.vertx();
          ServerWebSocket socket = event.message().socket();
          expiryTimers.put(socket, vertx.setTimer(Math.max(1, untilExpiry), id -> {
            expiryTimers.remove(socket);
            socket.close((short) 4401, "token expired");
          }));
          event.complete(principal);
        })
        .onFailure(event::fail);
  }

  private static String bearer(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    return value.regionMatches(true, 0, "Bearer ", 0, 7) ? value.substring(7).trim() : value.trim();
  }

  /**
   * Subscriptions over the socket count against the same per-user rate limit as native frames, and
   * at most {@code sync.maxSubscriptions} run per socket, as on the native one.
   */
  private java.util.concurrent.CompletionStage<Object> subscribe(DataFetchingEnvironment env, Resolvers resolvers,
                                                                ChangeStreams streams) {
    String userId = Resolvers.user(env);
    String space = Ids.space(env.getArgument("space"));
    long since = env.<Long>getArgument("since");
    String epoch = env.getArgument("epoch");
    if (since < 0) {
      throw TetherException.badRequest("since must be 0 or more");
    }
    RoutingContext socket = env.getGraphQlContext().get(RoutingContext.class);
    int max = node.config().sync().maxSubscriptions();
    Future<Object> publisher = resolvers.admitted(env)
        .compose(ok -> streams.check(space, userId))
        .map(head -> {
          if (!head.canServe(since, epoch)) {
            return ChangePublisher.resyncRequired(head.minSeq(), head.epoch());
          }
          int open = socket.get(OPEN_SUBSCRIPTIONS, 0);
          if (open >= max) {
            throw new TetherException(io.tether.core.ErrorCode.TOO_LARGE, "at most " + max + " subscriptions per connection");
          }
          socket.put(OPEN_SUBSCRIPTIONS, open + 1);
          return new ChangePublisher(streams, userId, space, since, head.epoch(),
              () -> socket.put(OPEN_SUBSCRIPTIONS, socket.<Integer>get(OPEN_SUBSCRIPTIONS) - 1));
        });
    return publisher.toCompletionStage();
  }

  private static String readSchema() {
    try (InputStream in = GraphQLApi.class.getClassLoader().getResourceAsStream(SCHEMA_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(SCHEMA_RESOURCE + " is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
