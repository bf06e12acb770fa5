package io.tether.core;

import io.vertx.core.json.JsonObject;

/**
 * One queued client write of the offline mutation queue, validated. {@code baseVersion} is the version
 * the client last saw (null: last writer wins; 0: the document must not exist yet).
 */
public record Mutation(String mutationId, Change.Op op, String collection, String id, JsonObject data, Long baseVersion) {

  public Precondition precondition() {
    if (baseVersion == null) {
      return Precondition.NONE;
    }
    return baseVersion == 0 ? Precondition.ABSENT : Precondition.version(baseVersion);
  }

  public WriteCommand toCommand(String space, String actor) {
    return new WriteCommand(space, collection, id, op, data, precondition(), mutationId, actor);
  }
}
