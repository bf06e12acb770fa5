package io.tether.presence;

import io.vertx.core.json.JsonObject;

/**
 * A user as the presence frames show them: their display name (null if they set none), how many
 * sockets they have in the space, and their state.
 */
public record Member(String userId, int connections, JsonObject state, String displayName) {
  public Member(String userId, int connections, JsonObject state) {
    this(userId, connections, state, null);
  }

  public JsonObject toJson() {
    return new JsonObject().put("userId", userId).put("displayName", displayName).put("connections", connections)
        .put("state", state);
  }
}
