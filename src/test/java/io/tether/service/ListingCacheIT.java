package io.tether.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.support.ApiClient;
import io.tether.support.ApiClient.Account;
import io.tether.support.TestCluster;
import io.vertx.core.json.JsonObject;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** A cached first page is served only while its space's head stands still, on any node. */
class ListingCacheIT {

  private static double metric(ApiClient api, String name) {
    Matcher m = Pattern.compile("(?m)^" + name + " ([0-9.eE+-]+)$").matcher(api.send("GET", "/metrics", null, null).body());
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  @Test
  void aRepeatedListingIsCachedUntilAWriteOnAnyNode() {
    try (TestCluster cluster = TestCluster.nodes(2, new JsonObject())) {
      ApiClient a = cluster.api(0);
      ApiClient b = cluster.api(1);
      Account owner = a.register();
      String space = "cache-" + System.nanoTime();
      a.createSpace(owner, space);
      a.put(owner, space, "items", "one", new JsonObject().put("n", 1));
      String path = "/v1/spaces/" + space + "/documents";
      JsonObject first = a.send("GET", path, owner.token(), null).json();
      double hitsBefore = metric(a, "tether_listing_cache_hits_total");
      JsonObject again = a.send("GET", path, owner.token(), null).json();
      assertThat(again).isEqualTo(first);
      assertThat(metric(a, "tether_listing_cache_hits_total")).as("the repeat came from the cache").isEqualTo(hitsBefore + 1);

      b.put(owner, space, "items", "two", new JsonObject().put("n", 2)); // written through the other node
      JsonObject after = a.send("GET", path, owner.token(), null).json();
      assertThat(after.getJsonArray("documents")).as("the write is seen at once").hasSize(2);
      assertThat(after.getLong("cursor")).isEqualTo(2);

      a.put(owner, space, "items", "one", new JsonObject().put("n", 10));
      JsonObject updated = a.send("GET", path, owner.token(), null).json();
      assertThat(updated.getJsonArray("documents").getJsonObject(0).getJsonObject("data").getInteger("n")).isEqualTo(10);
      Account stranger = a.register();
      assertThat(a.send("GET", path, stranger.token(), null).status()).as("the cache never skips the role check").isEqualTo(403);
    }
  }
}
