package io.tether.service;

import io.tether.core.TetherException;
import io.tether.store.DocumentStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The opaque {@code next} token of a document listing: where the next page starts, and the cursor of
 * the first page, which every later page repeats so a client can subscribe from any of them.
 */
public record PageToken(long cursor, DocumentStore.PageStart start) {

  public String encode() {
    JsonObject json = new JsonObject().put("c", cursor)
        .put("k", new JsonArray().add(start.collection()).add(start.id()));
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.toBuffer().getBytes());
  }

  public static PageToken decode(String token) {
    try {
      JsonObject json = new JsonObject(new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8));
      JsonArray key = json.getJsonArray("k");
      long cursor = json.getLong("c");
      if (key.size() != 2 || cursor < 0) {
        throw new IllegalArgumentException();
      }
      return new PageToken(cursor, new DocumentStore.PageStart(key.getString(0), key.getString(1)));
    } catch (RuntimeException e) {
      throw TetherException.badRequest("after is not a token this server issued");
    }
  }
}
