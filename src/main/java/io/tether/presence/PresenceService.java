package io.tether.presence;

import io.tether.bus.ChangeBus;
import io.tether.config.TetherConfig;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Presence and signals of one node: entries go to the shared {@link PresenceStore} first (so a node
 * that reads the store sees them), then a message on the bus tells every node's views at once. Safe
 * to call from any event loop.
 */
public final class PresenceService {
  static final String TYPE_PRESENCE = "presence";
  static final String TYPE_SIGNAL = "signal";

  private final PresenceStore store;
  private final ChangeBus bus;
  private final TetherConfig.Presence config;
  private final String node = UUID.randomUUID().toString().substring(0, 8);
  private final AtomicLong connections = new AtomicLong();

  private final DisplayNames names;

  public PresenceService(PresenceStore store, ChangeBus bus, TetherConfig.Presence config, DisplayNames names) {
    this.store = store;
    this.bus = bus;
    this.config = config;
    this.names = names;
  }

  /** The names presence shows beside user ids. */
  public DisplayNames names() {
    return names;
  }

  public TetherConfig.Presence config() {
    return config;
  }

  public PresenceStore store() {
    return store;
  }

  /** A new id for one socket's presence in one space, unique across the cluster. */
  public String newConnection() {
    return node + "-" + connections.incrementAndGet();
  }

  public long ttlMillis() {
    return config.ttlSeconds() * 1000L;
  }

  Future<Void> put(String space, PresenceEntry entry) {
    return store.put(space, entry).compose(v -> bus.publishEphemeral(space,
        new JsonObject().put("type", TYPE_PRESENCE).put("space", space).put("entry", entry.toJson())));
  }

  Future<Void> leave(String space, String connection) {
    return store.remove(space, connection).compose(v -> bus.publishEphemeral(space,
        new JsonObject().put("type", TYPE_PRESENCE).put("space", space).put("leave", connection)));
  }

  Future<Void> signal(String space, String fromUser, String connection, JsonObject data) {
    return bus.publishEphemeral(space, new JsonObject().put("type", TYPE_SIGNAL).put("space", space)
        .put("from", fromUser).put("connection", connection).put("data", data));
  }

  /** Who is in the space now, on any node. */
  public Future<List<Member>> members(String space) {
    return store.list(space).map(PresenceView::membersOf);
  }

  /** The presence message's entry, if it carries one (a join or an update). */
  public static PresenceEntry entryOf(JsonObject message) {
    return message.getValue("entry") instanceof JsonObject json ? PresenceEntry.fromJson(json) : null;
  }

  /** The connection a presence message says left, if it is a leave. */
  public static String leaveOf(JsonObject message) {
    return message.getValue("leave") instanceof String connection ? connection : null;
  }

  public static boolean isPresence(JsonObject message) {
    return TYPE_PRESENCE.equals(message.getValue("type"));
  }

  public static boolean isSignal(JsonObject message) {
    return TYPE_SIGNAL.equals(message.getValue("type"));
  }

  /** The frame a signal message becomes on the sockets: who sent it and what, never which socket. */
  public static String signalFrame(JsonObject message) {
    return new JsonObject().put("type", "signal").put("space", message.getValue("space"))
        .put("from", message.getValue("from")).put("data", message.getValue("data")).encode();
  }
}
