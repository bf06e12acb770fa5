package io.tether.graphql;

import graphql.GraphQL;
import graphql.introspection.Introspection;
import graphql.schema.DataFetchingEnvironment;
import graphql.schema.GraphQLSchema;
import graphql.schema.idl.RuntimeWiring;
import graphql.schema.idl.SchemaGenerator;
import graphql.schema.idl.SchemaParser;
import io.tether.auth.TokenService;
import io.tether.limits.ConnectionCounter;
import io.vertx.core.Vertx;
import io.tether.auth.BearerToken;
import io.tether.auth.TokenLease;
import io.tether.core.ErrorCode;
import io.tether.config.TetherConfig;
import io.tether.core.Change;
import io.tether.core.Ids;
import io.tether.core.TetherException;
import io.tether.sync.ChangeStreams;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.graphql.GraphQLHandler;
import io.vertx.ext.web.handler.graphql.ws.ConnectionInitEvent;
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
  /** How long a socket has to send connection_init (Vert.x Web's default). */
  private static final long CONNECTION_INIT_WAIT_MILLIS = 3000;

  private final Vertx vertx;
  private final TokenService tokens;
  private final ConnectionCounter connections;
  private final boolean introspection;
  private final int maxSubscriptions;
  private final int writeQueueBytes;
  private final int maxMessageBytes;
  // This verticle's GraphQL sockets: their write queues, and whose socket each is (one event loop).
  private final Map<ServerWebSocket, SocketDrains> drains = new HashMap<>();
  private final Map<ServerWebSocket, String> owners = new HashMap<>();
  private final GraphQL graphQL;
  private final String sdl;
  // Token leases of this verticle's GraphQL sockets (one event loop: no locking).
  private final Map<ServerWebSocket, TokenLease> leases = new HashMap<>();

  /**
   * {@code defaultPageSize} prices a list field that names no limit; sockets count against
   * {@code sync.maxConnectionsPerUser} like native ones and are bounded by the same
   * {@code sync.maxSubscriptions} and {@code sync.writeQueueBytes}.
   */
  public GraphQLApi(Vertx vertx, TokenService tokens, ConnectionCounter connections, Resolvers resolvers,
                    ChangeStreams streams, TetherConfig.Graphql config, int defaultPageSize, TetherConfig.Sync sync) {
    this.vertx = vertx;
    this.tokens = tokens;
    this.connections = connections;
    this.introspection = config.introspection();
    this.maxSubscriptions = sync.maxSubscriptions();
    this.writeQueueBytes = sync.writeQueueBytes();
    this.maxMessageBytes = sync.maxFrameBytes();
    this.sdl = readSchema();
    RuntimeWiring wiring = RuntimeWiring.newRuntimeWiring()
        .scalar(Scalars.JSON)
        .scalar(Scalars.LONG)
        .type("Query", t -> t.dataFetcher("space", resolvers.space()).dataFetcher("document", resolvers.document())
            .dataFetcher("documents", resolvers.documents()).dataFetcher("changes", resolvers.changes())
            .dataFetcher("spaces", resolvers.mySpaces()).dataFetcher("members", resolvers.members())
            .dataFetcher("me", resolvers.me()))
        .type("Mutation", t -> t.dataFetcher("putDocument", resolvers.write(Change.Op.PUT))
            .dataFetcher("patchDocument", resolvers.write(Change.Op.PATCH))
            .dataFetcher("deleteDocument", resolvers.write(Change.Op.DELETE))
            .dataFetcher("mutate", resolvers.mutate()))
        .type("Subscription", t -> t.dataFetcher("changes", env -> subscribe(env, resolvers, streams)))
        .type("Document", t -> t.dataFetcher("id", GlobalIds.DOCUMENT).dataFetcher("documentId", GlobalIds.DOCUMENT_ID))
        .type("Change", t -> t.dataFetcher("id", GlobalIds.CHANGE).dataFetcher("documentId", GlobalIds.DOCUMENT_ID))
        .build();
    GraphQLSchema schema = new SchemaGenerator().makeExecutableSchema(new SchemaParser().parse(sdl), wiring);
    GraphQLErrors errors = new GraphQLErrors();
    this.graphQL = GraphQL.newGraphQL(schema)
        .defaultDataFetcherExceptionHandler(errors)
        .instrumentation(GraphQLErrors.limits(config.maxDepth(), config.maxCost(), defaultPageSize, config.introspection()))
        .build();
  }

  /**
   * Mounts the endpoint. {@code authenticate} is REST's (bearer token, per-user rate limit); it runs
   * after {@code bodyHandler} for HTTP requests. WebSocket upgrades authenticate in connection_init.
   */
  public void mount(Router router, Handler<RoutingContext> bodyHandler, Handler<RoutingContext> authenticate) {
    router.get(PATH + "/schema.graphql").handler(rc -> rc.response()
        .putHeader("Content-Type", "text/plain; charset=utf-8").end(sdl));
    router.get(PATH).handler(this::upgrade);
    router.route(PATH).failureHandler(GraphQLErrors::renderHttp);
    router.route(PATH).method(HttpMethod.GET).method(HttpMethod.POST)
        .handler(bodyHandler).handler(authenticate).handler(GraphQLHandler.builder(graphQL)
        .beforeExecute(input -> input.builder().graphQLContext(ctx -> context(ctx, input.context().get(Resolvers.PRINCIPAL))
            .put(Resolvers.PREPAID, new java.util.concurrent.atomic.AtomicBoolean(true))))
        .build());
  }

  /**
   * graphql-transport-ws, as Vert.x Web's handler speaks it, over a socket whose messages are
   * checked first ({@link GraphQLSocketGuard}), and whose compressed messages inflate under the
   * unauthenticated limit until connection_init.
   */
  private void upgrade(RoutingContext rc) {
    if (!rc.request().canUpgradeToWebSocket()) {
      rc.next();
      return;
    }
    io.vertx.core.http.HttpConnection connection = rc.request().connection();
    rc.request().toWebSocket().onFailure(rc::fail).onSuccess(socket -> {
      GraphQLSocketGuard guarded = new GraphQLSocketGuard(socket);
      io.tether.sync.InboundCompression.limit(connection, () -> guarded.initRequested() ? maxMessageBytes
          : Math.min(maxMessageBytes, io.tether.sync.InboundCompression.UNAUTHENTICATED_BYTES));
      new io.vertx.ext.web.handler.graphql.impl.ws.ConnectionHandler(graphQL, CONNECTION_INIT_WAIT_MILLIS,
          this::connectionInit,
          input -> input.builder().graphQLContext(ctx -> context(ctx, input.context().connectionParams())
              .put(SocketDrains.class, drains.get(input.context().socket()))),
          null, this::socketEnded, rc, guarded).handleConnection();
    });
  }

  private void socketEnded(ServerWebSocket socket) {
    TokenLease lease = leases.remove(socket);
    if (lease != null) {
      lease.cancel();
    }
    drains.remove(socket);
    String owner = owners.remove(socket);
    if (owner != null) {
      connections.close(owner);
    }
  }

  private graphql.GraphQLContext.Builder context(graphql.GraphQLContext.Builder context, Object principal) {
    context.put(Resolvers.PRINCIPAL, principal);
    if (!introspection) {
      context.put(Introspection.INTROSPECTION_DISABLED, true);
    }
    return context;
  }

  /**
   * A token in connection_init's payload ({@code {"authorization": "Bearer …"}} or {@code {"token": …}}),
   * else the upgrade request's Authorization header. Refused: the socket closes with 4401 (4029 when
   * the user already holds {@code sync.maxConnectionsPerUser} sockets on this node). The socket
   * closes with 4401 too when the token expires, as the protocol has no way to replace it.
   */
  private void connectionInit(ConnectionInitEvent event) {
    ServerWebSocket socket = event.message().socket();
    String token;
    try {
      token = initToken(event.message().message().getValue("payload"), socket);
    } catch (TetherException e) {
      event.fail(e);
      return;
    }
    tokens.verify(token)
        .compose(principal -> connections.tryOpen(principal.userId())
            ? Future.succeededFuture(principal)
            : Future.failedFuture(new TetherException(ErrorCode.RATE_LIMITED, "too many open sockets for this user")))
        .onSuccess(principal -> {
          owners.put(socket, principal.userId());
          drains.put(socket, new SocketDrains(socket, writeQueueBytes));
          // graphql-transport-ws cannot replace a token: no warning, the socket ends when it expires.
          TokenLease lease = new TokenLease(vertx, expiresAt -> { },
              () -> socket.close((short) 4401, "token_expired"));
          lease.renew(principal);
          leases.put(socket, lease);
          event.complete(principal);
        })
        .onFailure(err -> {
          if (err instanceof TetherException refused && refused.code() == ErrorCode.RATE_LIMITED) {
            // The native socket's close code for the same refusal (4401 would send the app to sign in).
            socket.close((short) 4029, "too many open sockets for this user");
          } else if (err instanceof TetherException refused && refused.code() == ErrorCode.TOKEN_EXPIRED) {
            socket.close((short) 4401, "token_expired"); // refresh and connect again, not sign in
          } else {
            event.fail(err);
          }
        });
  }

  private static String initToken(Object payload, ServerWebSocket socket) {
    if (payload instanceof JsonObject p) {
      Object header = p.getValue("authorization", p.getValue("Authorization"));
      if (header != null) {
        String token = header instanceof String value ? BearerToken.parse(value) : null;
        if (token == null) {
          throw new TetherException(ErrorCode.UNAUTHORIZED, "authorization must be 'Bearer <token>'");
        }
        return token;
      }
      if (p.getValue("token") instanceof String bare && !bare.isBlank()) {
        return bare.trim();
      }
    }
    return BearerToken.of(socket.headers().getAll("Authorization"))
        .orElseThrow(() -> new TetherException(ErrorCode.UNAUTHORIZED, "a bearer token is required"));
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
    int max = maxSubscriptions;
    String collection = env.getArgument("collection");
    Object where = env.getArgument("where");
    io.tether.core.DocumentFilter filter = collection == null && where == null ? null
        : io.tether.core.DocumentFilter.of(Resolvers.query(collection == null ? null : Ids.collection(collection),
            where == null ? java.util.List.of() : where));
    Future<Object> publisher = resolvers.admitted(env)
        .compose(ok -> streams.admit(space, userId))
        .map(admission -> {
          io.tether.core.SpaceInfo head = admission.head();
          if (!head.canServe(since, epoch)) {
            return ChangePublisher.resyncRequired(head.servableFrom(), head.epoch());
          }
          int open = socket.get(OPEN_SUBSCRIPTIONS, 0);
          if (open >= max) {
            throw new TetherException(ErrorCode.TOO_LARGE, "at most " + max + " subscriptions per connection");
          }
          socket.put(OPEN_SUBSCRIPTIONS, open + 1);
          return new ChangePublisher(streams, userId, space, since, head.epoch(), admission.reading(filter),
              env.getGraphQlContext().get(SocketDrains.class), writeQueueBytes,
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
