package io.tether.presence;

import io.vertx.core.json.JsonObject;

/**
 * One socket's presence in one space: whose it is, the small state the client set, and a revision
 * that grows with every update, so a late copy of an older state never replaces a newer one.
 * {@code setAtMillis} decides which of a user's sockets speaks for the user's state.
 */
public record PresenceEntry(String connection, String userId, JsonObject state, long rev, long setAtMillis,
                            String displayName) {

  /** An entry of a user without a display name. */
  public PresenceEntry(String connection, String userId, JsonObject state, long rev, long setAtMillis) {
    this(connection, userId, state, rev, setAtMillis, null);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("c", connection).put("u", userId).put("s", state).put("r", rev).put("a", setAtMillis);
    return displayName == null ? json : json.put("n", displayName);
  }

  /** The entry in {@code json}, or null if it is not one (a message from a newer or broken node). */
  public static PresenceEntry fromJson(JsonObject json) {
    if (json == null || !(json.getValue("c") instanceof String connection) || !(json.getValue("u") instanceof String user)
        || !(json.getValue("r") instanceof Number rev) || !(json.getValue("a") instanceof Number at)) {
      return null;
    }
    JsonObject state = json.getValue("s") instanceof JsonObject s ? s : new JsonObject();
    String name = json.getValue("n") instanceof String n ? n : null;
    return new PresenceEntry(connection, user, state, rev.longValue(), at.longValue(), name);
  }
}
