package io.tether.presence;

import io.vertx.core.json.JsonObject;

/** A user as the presence frames show them: how many sockets they have in the space, and their state. */
public record Member(String userId, int connections, JsonObject state) {
  public JsonObject toJson() {
    return new JsonObject().put("userId", userId).put("connections", connections).put("state", state);
  }
}
