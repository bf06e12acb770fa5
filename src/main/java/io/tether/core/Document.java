package io.tether.core;

import io.vertx.core.json.JsonObject;

/** A document as stored: its data, its version, whether it is a tombstone, and the seq that last wrote it. */
public record Document(String collection, String id, long version, JsonObject data, boolean deleted, long seq) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("collection", collection).put("id", id)
        .put("version", version).put("deleted", deleted)
        .put("seq", seq).put("data", data);
  }
}
