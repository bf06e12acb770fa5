package io.tether.sync;

import io.tether.auth.BearerToken;
import io.tether.core.Principal;
import io.tether.core.TetherException;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.tether.core.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.ext.web.RoutingContext;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.Set;

/**
 * {@code GET /v1/sync}: authenticates the upgrade request (header or {@code access_token} query
 * parameter) before upgrading, so a bad token gets a plain 401 with a JSON body; a request with no
 * token is upgraded and must send an {@code auth} frame. Holds this event loop's sessions and pings them.
 */
public final class SyncEndpoint {
  /** Largest message a socket may send before it is authenticated (a token is a few KiB). */
  static final int MAX_UNAUTHENTICATED_FRAME_BYTES = InboundCompression.UNAUTHENTICATED_BYTES;

  private final SyncContext ctx;
  private final ChangeStreams streams;
  private final Set<SyncSession> sessions = new LinkedHashSet<>();
  private final WireFrames frames = new WireFrames(io.netty.buffer.PooledByteBufAllocator.DEFAULT,
      java.util.zip.Deflater.DEFAULT_COMPRESSION);
  private final long heartbeatTimer;

  public SyncEndpoint(SyncContext ctx, ChangeStreams streams) {
    this.ctx = ctx;
    this.streams = streams;
    this.heartbeatTimer = ctx.vertx().setPeriodic(ctx.config().pingIntervalSeconds() * 1000L, id -> heartbeat());
  }

  public void handle(RoutingContext rc) {
    HttpServerRequest request = rc.request();
    if (!request.canUpgradeToWebSocket()) {
      rc.fail(TetherException.badRequest("this endpoint expects a WebSocket upgrade"));
      return;
    }
    if (ctx.drain().draining()) {
      rc.fail(new TetherException(ErrorCode.UNAVAILABLE, "this node is restarting; connect again (to another node)"));
      return;
    }
    String origin = request.getHeader("Origin");
    if (origin != null && !ctx.config().allowedOrigins().isEmpty() && !ctx.config().allowedOrigins().contains(origin)) {
      rc.fail(TetherException.forbidden("origin not allowed"));
      return;
    }
    String token = tokenOf(request);
    if (token != null && token.startsWith("tsk_")) {
      rc.fail(new TetherException(ErrorCode.SERVICE_KEY_NOT_ALLOWED, "a service key cannot hold the socket, which is "
          + "for apps' users: a backend uses the REST API (/v1/spaces/…) or GraphQL over HTTP"));
      return;
    }
    Future<Principal> principal = token == null ? Future.succeededFuture(null) : ctx.tokens().verify(token);
    principal
        .compose(p -> p == null || ctx.connections().tryOpen(p.userId())
            ? Future.succeededFuture(p)
            : Future.failedFuture(new TetherException(ErrorCode.RATE_LIMITED, "too many open sockets for this user",
                new JsonObject().put("retryAfter", 5))))
        .onFailure(rc::fail)
        .onSuccess(p -> request.toWebSocket()
            .onSuccess(socket -> accept(socket, request.connection(), p))
            .onFailure(err -> {
              if (p != null) {
                ctx.connections().close(p.userId());
              }
              rc.fail(err);
            }));
  }

  /** Subscriptions held by this event loop's sockets. */
  public int subscriptions() {
    return sessions.stream().mapToInt(SyncSession::subscriptionCount).sum();
  }

  /** Open sockets on this event loop. */
  public int openSockets() {
    return sessions.size();
  }

  public void close() {
    ctx.vertx().cancelTimer(heartbeatTimer);
    frames.release();
  }

  /**
   * Closes every socket with 1012 at a random moment within the window, so reconnections spread out.
   * Completes when the last one is closed. Runs on this endpoint's event loop.
   */
  public Future<Void> closeAllSpread(long windowMillis) {
    List<Future<Void>> closing = new ArrayList<>();
    for (SyncSession session : sessions.toArray(new SyncSession[0])) {
      Promise<Void> closed = Promise.promise();
      closing.add(closed.future());
      long delay = 1 + ThreadLocalRandom.current().nextLong(Math.max(1, windowMillis));
      ctx.vertx().setTimer(delay, id -> {
        session.restart();
        closed.complete();
      });
    }
    return Future.join(closing).mapEmpty();
  }

  private void accept(ServerWebSocket socket, io.vertx.core.http.HttpConnection connection, Principal principal) {
    WebSocketTransport transport = new WebSocketTransport(socket, connection, frames,
        ctx.config().writeQueueBytes(), ctx.config().maxWriteQueueBytes());
    SyncSession session = new SyncSession(ctx, streams, transport, principal);
    sessions.add(session);
    ctx.metrics().socketOpened();
    // Before it is authenticated a socket may send only small frames: an auth frame is a token.
    int maxFrameBytes = ctx.config().maxFrameBytes();
    java.util.function.IntSupplier limit = () -> session.authenticated()
        ? maxFrameBytes : Math.min(maxFrameBytes, MAX_UNAUTHENTICATED_FRAME_BYTES);
    MessageAssembler assembler = new MessageAssembler(limit);
    // Compressed messages are inflated under the same limit, while they are inflated.
    InboundCompression.limit(connection, limit);
    socket.frameHandler(frame -> {
      transport.clientSpoke();
      MessageAssembler.Outcome outcome = assembler.accept(frame);
      if (outcome instanceof MessageAssembler.Text text) {
        session.onText(text.text());
      } else if (outcome instanceof MessageAssembler.Binary) {
        session.onBinary();
      } else if (outcome instanceof MessageAssembler.Refused refused) {
        socket.close(refused.closeCode(), refused.reason());
      }
    });
    socket.pongHandler(b -> session.touch());
    socket.exceptionHandler(err -> {
      // Netty refuses a single frame over the limit before it is assembled: answer 1009 like any big message.
      // Anything else (a reset connection) is followed by a close, whose handler cleans up.
      if (err instanceof CorruptedWebSocketFrameException corrupted && !socket.isClosed()) {
        socket.close((short) corrupted.closeStatus().code(), corrupted.closeStatus().reasonText());
      }
    });
    socket.closeHandler(v -> {
      session.onClosed();
      if (sessions.remove(session)) {
        ctx.metrics().socketClosed();
      }
    });
    session.open();
  }

  private void heartbeat() {
    long now = System.currentTimeMillis();
    for (SyncSession session : sessions.toArray(new SyncSession[0])) {
      session.heartbeat(now);
    }
  }

  /** The header's token, else the query parameter's; an unreadable header is an invalid token (401). */
  private static String tokenOf(HttpServerRequest request) {
    try {
      return BearerToken.of(request.headers().getAll(HttpHeaders.AUTHORIZATION))
          .orElseGet(() -> request.getParam("access_token"));
    } catch (TetherException e) {
      return "";
    }
  }
}
