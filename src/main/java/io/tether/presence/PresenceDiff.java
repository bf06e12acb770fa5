package io.tether.presence;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** What changed in a space's presence, per user: who arrived, who left (their last socket closed), who changed. */
public record PresenceDiff(List<Member> joins, List<String> leaves, List<Member> updates) {
  public static final PresenceDiff NONE = new PresenceDiff(List.of(), List.of(), List.of());

  /** A diff of the listed members, with the count of all members. */
  public String toFrame(String space, int count) {
    JsonArray left = new JsonArray();
    leaves.forEach(userId -> left.add(new JsonObject().put("userId", userId)));
    return new JsonObject().put("type", "presence_diff").put("space", space).put("count", count)
        .put("joins", members(joins)).put("leaves", left).put("updates", members(updates)).encode();
  }

  public static String stateFrame(String space, List<Member> listed, int count) {
    return new JsonObject().put("type", "presence_state").put("space", space).put("count", count)
        .put("members", members(listed)).encode();
  }

  public boolean isEmpty() {
    return joins.isEmpty() && leaves.isEmpty() && updates.isEmpty();
  }

  static JsonArray members(List<Member> members) {
    JsonArray out = new JsonArray();
    members.forEach(m -> out.add(m.toJson()));
    return out;
  }
}
