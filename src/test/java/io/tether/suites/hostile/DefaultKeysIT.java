package io.tether.suites.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.config.Settings;
import io.tether.support.ApiClient.Account;
import io.tether.support.Jwts;
import io.tether.support.TestCluster;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, item 15: a node started with no key configured signs with an ES256 key generated for its
 * database (shared by its nodes), so the development secret printed in the docs forges nothing.
 */
class DefaultKeysIT {

  @Test
  void aDefaultClusterSignsWithAGeneratedKeyAndRefusesTheDocumentedSecret() {
    try (TestCluster cluster = TestCluster.nodes(2, new JsonObject())) {
      JsonArray keys = cluster.api(0).send("GET", "/.well-known/jwks.json", null, null).json().getJsonArray("keys");
      assertThat(keys).hasSize(1);
      assertThat(keys.getJsonObject(0).getString("alg")).isEqualTo("ES256");
      assertThat(cluster.api(1).send("GET", "/.well-known/jwks.json", null, null).json().getJsonArray("keys"))
          .as("both nodes of the database publish the same key").isEqualTo(keys);

      Account user = cluster.api(0).register();
      JsonObject header = new JsonObject(new String(Base64.getUrlDecoder().decode(user.token().split("\\.")[0]),
          StandardCharsets.UTF_8));
      assertThat(header.getString("alg")).isEqualTo("ES256");
      assertThat(header.getString("kid")).isEqualTo(keys.getJsonObject(0).getString("kid")).startsWith("generated-");
      assertThat(cluster.api(1).send("GET", "/v1/spaces/nowhere", user.token(), null).status())
          .as("a token of one node is good on the other").isEqualTo(403);

      assertThat(cluster.api(0).send("GET", "/v1/spaces/nowhere", user.token() + "x", null).status())
          .as("bytes appended to a signature are not ignored").isEqualTo(401);

      long now = System.currentTimeMillis() / 1000;
      String forged = Jwts.hs256(new JsonObject().put("alg", "HS256").put("typ", "JWT"),
          new JsonObject().put("sub", user.userId()).put("iss", "tether").put("aud", "tether")
              .put("iat", now).put("exp", now + 600),
          Settings.DEV_JWT_SECRET.getBytes(StandardCharsets.UTF_8));
      assertThat(cluster.api(0).send("GET", "/v1/spaces/nowhere", forged, null).status())
          .as("the documented development secret signs nothing").isEqualTo(401);
    }
  }
}
