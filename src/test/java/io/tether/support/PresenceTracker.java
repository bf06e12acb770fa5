package io.tether.support;

import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

/** A client's picture of a space's presence, built from presence_state and presence_diff frames as the protocol says. */
public final class PresenceTracker {
  private final WsClient ws;
  private final Map<String, JsonObject> members = new HashMap<>();

  /** Starts from a presence_state frame already read from {@code ws}. */
  public PresenceTracker(WsClient ws, JsonObject state) {
    this.ws = ws;
    apply(state);
  }

  /** Reads presence frames until {@code condition} holds for the members by user id; fails after 10 s. */
  public void await(String what, Predicate<Map<String, JsonObject>> condition) {
    await(what, 10, condition);
  }

  public void await(String what, int seconds, Predicate<Map<String, JsonObject>> condition) {
    long deadline = System.currentTimeMillis() + seconds * 1000L;
    while (!condition.test(members)) {
      long left = deadline - System.currentTimeMillis();
      if (left <= 0) {
        throw new AssertionError(what + ": not within " + seconds + " s; members " + members);
      }
      apply(ws.awaitFrame(f -> f.getString("type").startsWith("presence_"), (int) Math.max(1, left / 1000)));
    }
  }

  private void apply(JsonObject frame) {
    if ("presence_state".equals(frame.getString("type"))) {
      members.clear();
      frame.getJsonArray("members").forEach(m -> put((JsonObject) m));
    } else {
      frame.getJsonArray("joins").forEach(m -> put((JsonObject) m));
      frame.getJsonArray("updates").forEach(m -> put((JsonObject) m));
      frame.getJsonArray("leaves").forEach(m -> members.remove(((JsonObject) m).getString("userId")));
    }
  }

  private void put(JsonObject member) {
    members.put(member.getString("userId"), member);
  }
}
