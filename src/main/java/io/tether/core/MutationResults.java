package io.tether.core;

import io.vertx.core.json.JsonObject;

/** The per-mutation answers of a batch: {@code applied}, {@code conflict} or {@code rejected}. */
public final class MutationResults {
  private MutationResults() {}

  public static JsonObject applied(String mutationId, long seq, long version) {
    return new JsonObject().put("mutationId", mutationId).put("status", "applied").put("seq", seq).put("version", version);
  }

  /** The write was refused: a stale {@code baseVersion} is a conflict carrying the server's document. */
  public static JsonObject refused(String mutationId, TetherException error) {
    if (error.code() == ErrorCode.PRECONDITION_FAILED) {
      Object current = error.details() == null ? null : error.details().getValue("current");
      return new JsonObject().put("mutationId", mutationId).put("status", "conflict").put("current", current);
    }
    return rejected(mutationId, error);
  }

  public static JsonObject rejected(String mutationId, TetherException error) {
    return new JsonObject().put("mutationId", mutationId).put("status", "rejected")
        .put("code", error.code().code()).put("message", error.getMessage());
  }
}
