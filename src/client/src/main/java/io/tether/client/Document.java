package io.tether.client;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import org.jspecify.annotations.Nullable;

/** A document as the local copy shows it: the server's version, or a queued write of this device on top ({@link #pending}). */
public final class Document {
  public final String collection;
  public final String id;
  /** The server's version; 0 for a document only a queued write has made so far. */
  public final long version;
  /** The document's JSON; null once deleted. Do not change it: it is the local copy's. */
  public final @Nullable JsonElement data;
  public final boolean deleted;
  /** A write of this device is shown on top and not yet confirmed. */
  public final boolean pending;

  Document(String collection, String id, long version, @Nullable JsonElement data, boolean deleted, boolean pending) {
    this.collection = collection;
    this.id = id;
    this.version = version;
    this.data = data;
    this.deleted = deleted;
    this.pending = pending;
  }

  String key() {
    return collection + "/" + id;
  }

  JsonObject toJson() {
    JsonObject o = new JsonObject();
    o.addProperty("collection", collection);
    o.addProperty("id", id);
    o.addProperty("version", version);
    o.add("data", data);
    o.addProperty("deleted", deleted);
    return o;
  }

  static Document fromJson(JsonObject o) {
    JsonElement data = o.get("data");
    return new Document(o.get("collection").getAsString(), o.get("id").getAsString(), o.get("version").getAsLong(),
        data == null || data.isJsonNull() ? null : data, o.has("deleted") && o.get("deleted").getAsBoolean(), false);
  }

  @Override
  public String toString() {
    return key() + "@" + version + (pending ? " (pending)" : "") + " " + data;
  }
}
