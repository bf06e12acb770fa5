package io.tether.http;

import io.tether.Node;
import io.tether.config.TetherConfig;
import io.tether.sync.FeedHub;
import io.tether.sync.SyncContext;
import io.tether.sync.SyncEndpoint;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;

/**
 * One event loop's HTTP and WebSocket server. Several instances share the port; each owns the
 * sockets it accepted and their feeds, and meets the others only through the bus.
 */
public final class ApiVerticle extends VerticleBase {
  private final Node node;
  private FeedHub hub;
  private SyncEndpoint sync;
  private HttpServer server;

  public ApiVerticle(Node node) {
    this.node = node;
  }

  @Override
  public Future<?> start() {
    TetherConfig config = node.config();
    TetherConfig.Sync syncConfig = config.sync();
    hub = new FeedHub(vertx, node.bus(), node.changeLog(), syncConfig.catchUpPageSize(), syncConfig.gapGraceMillis(),
        syncConfig.headCheckIntervalSeconds());
    sync = new SyncEndpoint(new SyncContext(vertx, node.tokens(), node.access(), node.changeLog(), hub,
        node.mutations(), node.json(), node.limits(), node.connections(), syncConfig));
    HttpServerOptions options = new HttpServerOptions()
        .setHost(config.http().host())
        .setPort(config.http().port())
        .setMaxWebSocketFrameSize(syncConfig.maxFrameBytes())
        .setMaxWebSocketMessageSize(syncConfig.maxFrameBytes())
        .setMaxHeaderSize(config.http().maxHeaderBytes())
        .setCompressionSupported(true);
    server = vertx.createHttpServer(options)
        .invalidRequestHandler(ErrorResponses::renderUnparsable)
        .requestHandler(ApiRouter.create(vertx, node, sync));
    return server.listen();
  }

  @Override
  public Future<?> stop() {
    sync.close();
    hub.close();
    return server.close();
  }
}
