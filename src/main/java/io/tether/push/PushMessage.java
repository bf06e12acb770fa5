package io.tether.push;

import io.vertx.core.json.JsonObject;

/**
 * What one device is told: the space, seq and document of a change (the data only where the space
 * opted in), or an explicit notification's title and body. {@code collapseKey} lets the provider
 * keep only the newest of a space's pushes on the device.
 */
public record PushMessage(String token, String space, long seq, String collection, String id, JsonObject data,
                          String title, String body, JsonObject extra) {

  public String collapseKey() {
    return space;
  }

  public boolean visible() {
    return title != null || body != null;
  }

  static PushMessage of(JsonObject job) {
    return new PushMessage(job.getString("token"), job.getString("space"), job.getLong("seq", 0L), job.getString("collection"),
        job.getString("id"), job.getJsonObject("data"), job.getString("title"), job.getString("body"), job.getJsonObject("extra"));
  }
}
