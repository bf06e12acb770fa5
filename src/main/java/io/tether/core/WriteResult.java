package io.tether.core;

import io.vertx.core.json.JsonObject;

/**
 * A committed write: the change it made, the document after it, whether it created the document,
 * and whether the writer may read what it wrote (read rules may hide the result from its own writer).
 */
public record WriteResult(Change change, Document document, boolean created, boolean readable) {
  /** The document as its writer is answered: without its data when the writer may not read it. */
  public JsonObject answer() {
    JsonObject json = document.toJson();
    return readable ? json : json.put("data", null);
  }
}
