package io.tether.client;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import org.jspecify.annotations.Nullable;

/** A queued write: sent with its id until the server answers it, so it is applied once however often it is sent. */
public final class Mutation {
  public final String mutationId;
  /** {@code put}, {@code patch} or {@code delete}. */
  public final String op;
  public final String collection;
  public final String id;
  public final @Nullable JsonElement data;
  public final @Nullable Long baseVersion;
  /** Set once applied: the change's seq, until the change itself arrives. */
  final long seq;

  Mutation(String mutationId, String op, String collection, String id, @Nullable JsonElement data, @Nullable Long baseVersion,
      long seq) {
    this.mutationId = mutationId;
    this.op = op;
    this.collection = collection;
    this.id = id;
    this.data = data;
    this.baseVersion = baseVersion;
    this.seq = seq;
  }

  Mutation applied(long changeSeq) {
    return new Mutation(mutationId, op, collection, id, data, baseVersion, changeSeq);
  }

  JsonObject toJson() {
    JsonObject o = new JsonObject();
    o.addProperty("mutationId", mutationId);
    o.addProperty("op", op);
    o.addProperty("collection", collection);
    o.addProperty("id", id);
    if (data != null) {
      o.add("data", data);
    }
    if (baseVersion != null) {
      o.addProperty("baseVersion", baseVersion);
    }
    return o;
  }

  static Mutation fromJson(JsonObject o) {
    return new Mutation(o.get("mutationId").getAsString(), o.get("op").getAsString(), o.get("collection").getAsString(),
        o.get("id").getAsString(), o.has("data") ? o.get("data") : null,
        o.has("baseVersion") ? o.get("baseVersion").getAsLong() : null, 0);
  }

  @Override
  public String toString() {
    return op + " " + collection + "/" + id + " (" + mutationId + ")";
  }
}
