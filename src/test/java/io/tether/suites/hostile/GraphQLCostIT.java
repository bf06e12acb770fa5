package io.tether.suites.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.support.ApiClient;
import io.tether.support.ApiClient.Account;
import io.tether.support.ApiClient.Response;
import io.tether.support.TestCluster;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** Issue 16, item 6: a GraphQL request pays per root field and per mutation, not once whatever it holds. */
class GraphQLCostIT {

  private static Response graphql(ApiClient api, Account who, String query) {
    return api.send("POST", "/graphql", who.token(), new JsonObject().put("query", query).encode());
  }

  private static long rateLimited(JsonObject answer) {
    JsonArray errors = answer.getJsonArray("errors", new JsonArray());
    return errors.stream().filter(e -> "rate_limited".equals(((JsonObject) e).getJsonObject("extensions").getString("code")))
        .count();
  }

  @Test
  void fiftyLookupsInOneRequestCostFiftyRequests() {
    try (TestCluster cluster = TestCluster.single(new JsonObject().put("limits", new JsonObject()
        .put("userRequestsPerSecond", 1).put("userBurst", 20)))) {
      ApiClient api = cluster.api();
      Account user = api.register();
      api.createSpace(user, "cost");
      StringBuilder query = new StringBuilder("{");
      for (int i = 0; i < 50; i++) {
        query.append(" d").append(i).append(": document(space: \"cost\", collection: \"c\", id: \"x").append(i).append("\") { id }");
      }
      Response answer = graphql(api, user, query.append(" }").toString());
      assertThat(answer.status()).isEqualTo(200);
      long refused = rateLimited(answer.json());
      System.out.printf("hostile: 50 lookups in one GraphQL request with a burst of 20: %d refused%n", refused);
      // The request's own token plus 19 more fields fit the burst (give or take a refill); the rest are refused.
      assertThat(refused).isBetween(27L, 31L);
    }
  }

  @Test
  void aBatchOfMutationsPaysPerMutation() {
    try (TestCluster cluster = TestCluster.single(new JsonObject().put("limits", new JsonObject()
        .put("userRequestsPerSecond", 1).put("userBurst", 20)))) {
      ApiClient api = cluster.api();
      Account user = api.register();
      api.createSpace(user, "batch");
      StringBuilder mutations = new StringBuilder();
      for (int i = 0; i < 30; i++) {
        mutations.append("{mutationId: \"m").append(i).append("\", op: \"put\", collection: \"c\", id: \"d").append(i)
            .append("\", data: {i: ").append(i).append("}}, ");
      }
      Response batch = graphql(api, user, "mutation { mutate(space: \"batch\", mutations: [" + mutations + "]) { status } }");
      assertThat(batch.status()).isEqualTo(200);
      assertThat(rateLimited(batch.json())).as("a batch larger than the burst still goes through").isZero();
      Response next = graphql(api, user, "{ space(id: \"batch\") { seq } }");
      assertThat(next.status()).as("and is paid for: the bucket is in debt").isEqualTo(429);
      assertThat(Long.parseLong(next.header("Retry-After"))).as("30 mutations at 1/s").isBetween(10L, 13L);
    }
  }
}
