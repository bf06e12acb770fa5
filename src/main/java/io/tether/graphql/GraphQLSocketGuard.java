package io.tether.graphql;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.impl.ServerWebSocketWrapper;
import java.util.Set;

/**
 * A graphql-transport-ws socket whose messages are checked before Vert.x Web's protocol handler
 * reads them: that handler throws on anything that is not a JSON object of the expected shape
 * (uncaught, a stack trace each, before authentication). Here such a message closes the socket with
 * 4400 and one log line; a second {@code connection_init} closes it with 4429, as the protocol says.
 * Confined to the socket's event loop.
 */
final class GraphQLSocketGuard extends ServerWebSocketWrapper {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(GraphQLSocketGuard.class);
  private static final Set<String> TYPES = Set.of("connection_init", "ping", "pong", "subscribe", "complete");
  private static final int MAX_ID_CHARS = 256;

  private final ServerWebSocket socket;
  private boolean initRequested;
  private boolean closing;

  GraphQLSocketGuard(ServerWebSocket socket) {
    super(socket, socket.authority(), socket.scheme(), socket.isSsl(), socket.remoteAddress());
    this.socket = socket;
  }

  /** Whether the client has sent its connection_init (its larger limit applies from then on). */
  boolean initRequested() {
    return initRequested;
  }

  @Override
  public ServerWebSocket textMessageHandler(Handler<String> handler) {
    return super.textMessageHandler(handler == null ? null : text -> admit(text, () -> handler.handle(text)));
  }

  @Override
  public ServerWebSocket binaryMessageHandler(Handler<Buffer> handler) {
    // graphql-transport-ws is a text protocol.
    return super.binaryMessageHandler(handler == null ? null : bytes -> refuse((short) 4400, "binary messages are not part of graphql-transport-ws"));
  }

  private void admit(String text, Runnable deliver) {
    if (closing) {
      return;
    }
    String problem;
    try {
      problem = problem(new JsonObject(text));
    } catch (DecodeException | ClassCastException e) {
      problem = "a message must be a JSON object";
    }
    if (problem != null) {
      refuse((short) 4400, problem);
      return;
    }
    if (closing) {
      return; // refused while checked (a second connection_init): the handler never sees it
    }
    try {
      deliver.run();
    } catch (RuntimeException e) {
      refuse((short) 4400, "the message could not be handled");
    }
  }

  private String problem(JsonObject message) {
    if (!(message.getValue("type") instanceof String type) || !TYPES.contains(type)) {
      return "unknown or missing message type";
    }
    Object payload = message.getValue("payload");
    switch (type) {
      case "connection_init" -> {
        if (initRequested) {
          refuse((short) 4429, "Too many initialisation requests");
          return null;
        }
        initRequested = true;
        return payload == null || payload instanceof JsonObject ? null : "connection_init's payload must be an object";
      }
      case "ping", "pong" -> {
        return payload == null || payload instanceof JsonObject ? null : type + "'s payload must be an object";
      }
      case "subscribe" -> {
        String id = id(message);
        if (id != null) {
          return id;
        }
        if (!(payload instanceof JsonObject p) || !(p.getValue("query") instanceof String)) {
          return "subscribe needs a payload with a query";
        }
        boolean shaped = (p.getValue("variables") == null || p.getValue("variables") instanceof JsonObject)
            && (p.getValue("operationName") == null || p.getValue("operationName") instanceof String)
            && (p.getValue("extensions") == null || p.getValue("extensions") instanceof JsonObject);
        return shaped ? null : "subscribe's variables and extensions must be objects, its operationName a string";
      }
      default -> {
        return id(message);
      }
    }
  }

  private static String id(JsonObject message) {
    return message.getValue("id") instanceof String id && !id.isEmpty() && id.length() <= MAX_ID_CHARS ? null
        : "the message needs an id of 1 to " + MAX_ID_CHARS + " characters";
  }

  private void refuse(short code, String reason) {
    if (closing) {
      return;
    }
    closing = true;
    LOG.info("Closed a GraphQL socket from {} with {}: {}", socket.remoteAddress(), code, reason);
    socket.close(code, reason);
  }
}
