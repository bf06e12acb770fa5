package io.tether.http;

import io.tether.graphql.GraphQLApi;
import io.tether.sync.ChangeStreams;
import io.tether.Node;
import io.tether.config.TetherConfig;
import io.tether.presence.PresenceHub;
import io.tether.sync.FeedHub;
import io.tether.sync.SyncContext;
import io.tether.sync.SyncEndpoint;
import io.tether.ops.Drain;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;

/**
 * One event loop's HTTP and WebSocket server. Several instances share the port; each owns the
 * sockets it accepted and their feeds, and meets the others only through the bus.
 */
public final class ApiVerticle extends VerticleBase implements Drain.Drainable {
  private final Node node;
  private FeedHub hub;
  private PresenceHub presence;
  private SyncEndpoint sync;
  private HttpServer server;

  public ApiVerticle(Node node) {
    this.node = node;
  }

  @Override
  public Future<?> start() {
    TetherConfig config = node.config();
    TetherConfig.Sync syncConfig = config.sync();
    hub = new FeedHub(vertx, node.bus(), node.stores().changeLog(), node.ops().metrics(), syncConfig.catchUpPageSize(),
        syncConfig.gapGraceMillis(), syncConfig.headCheckIntervalSeconds());
    presence = new PresenceHub(vertx, node.bus(), node.presence(), node.ops().metrics());
    SyncContext syncContext = new SyncContext(vertx, node.auth().tokens(), node.documents().reads(), node.stores().changeLog(), hub,
        node.documents().mutations(), node.guards().json(), node.guards().limits(), node.guards().connections(), node.ops().metrics(), node.ops().drain(), syncConfig,
        presence);
    ChangeStreams streams = new ChangeStreams(syncContext);
    sync = new SyncEndpoint(syncContext, streams);
    GraphQLApi graphQL = ApiRouter.graphQL(vertx, node, streams);
    HttpServerOptions options = new HttpServerOptions()
        .setHost(config.http().host())
        .setPort(config.http().port())
        .setMaxWebSocketFrameSize(syncConfig.maxFrameBytes())
        .setMaxWebSocketMessageSize(syncConfig.maxFrameBytes())
        .setMaxHeaderSize(config.http().maxHeaderBytes())
        .setCompressionSupported(true)
        // The server compresses each message on its own (WireFrames), so it honours a client's
        // server_no_context_takeover, and asks clients for client_no_context_takeover: Netty then
        // drops a socket's inflater after each message instead of keeping a 32 KiB window per socket.
        .setPerMessageWebSocketCompressionSupported(syncConfig.deflate())
        .setWebSocketAllowServerNoContext(true)
        .setWebSocketPreferredClientNoContext(true)
        .setPerFrameWebSocketCompressionSupported(false)
        // HTTP/1.1 only (TLS and HTTP/2 end at the load balancer): with h2c on offer Vert.x would not
        // see a connection until its first headers are complete, and could not time them out.
        .setHttp2ClearTextEnabled(false)
        // Every response is written on its connection's event loop (handlers never hop threads), so
        // connections can write directly instead of through a cross-thread queue (a 4 KiB array each,
        // kept alive as long as an upgraded WebSocket lives).
        .setStrictThreadMode(true)
        .setWebSocketSubProtocols(java.util.List.of(GraphQLApi.SUBPROTOCOL));
    ConnectionDeadlines deadlines = new ConnectionDeadlines(vertx, config.http().headerTimeoutSeconds() * 1000L,
        config.http().requestTimeoutSeconds() * 1000L, config.http().keepAliveSeconds() * 1000L);
    io.vertx.ext.web.Router router = ApiRouter.create(vertx, node, sync::handle, graphQL);
    router.route().order(-1).handler(deadlines::requestStarted);
    server = vertx.createHttpServer(options)
        .connectionHandler(connection -> {
          io.tether.sync.InboundCompression.install(connection, syncConfig.deflate(), options.getWebSocketCompressionLevel());
          deadlines.opened(connection);
        })
        .invalidRequestHandler(ErrorResponses::renderUnparsable)
        .requestHandler(router);
    node.ops().drain().register(this);
    node.ops().stats().register(deploymentID() + "/" + System.identityHashCode(this), context, () -> new JsonObject()
        .put("thread", Thread.currentThread().getName())
        .put("sockets", sync.openSockets())
        .put("subscriptions", sync.subscriptions())
        .put("spaces", hub.activeSpaces()));
    return server.listen();
  }

  /** Stops accepting connections and closes this loop's sockets with 1012 spread over the window. */
  @Override
  public Future<Void> drain(long windowMillis) {
    Promise<Void> drained = Promise.promise();
    context.runOnContext(v -> {
      Future<Void> shutdown = server.shutdown(windowMillis + 5000, TimeUnit.MILLISECONDS);
      sync.closeAllSpread(windowMillis).compose(closed -> shutdown).onComplete(drained);
    });
    return drained.future();
  }

  @Override
  public Future<?> stop() {
    node.ops().drain().unregister(this);
    node.ops().stats().unregister(deploymentID() + "/" + System.identityHashCode(this));
    sync.close();
    hub.close();
    presence.close();
    return server.close();
  }
}
