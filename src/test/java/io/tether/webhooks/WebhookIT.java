package io.tether.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.support.ApiClient;
import io.tether.support.ApiClient.Account;
import io.tether.support.ApiClient.Response;
import io.tether.support.Await;
import io.tether.support.TestCluster;
import io.tether.support.WebhookReceiver;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Outgoing webhooks through the durable job queue, against a real receiving HTTP server. */
class WebhookIT {
  private static final String ADMIN = "webhook-test-admin-token";
  private static TestCluster cluster;
  private static ApiClient api;

  @BeforeAll
  static void start() {
    cluster = TestCluster.single(new JsonObject()
        .put("server", new JsonObject().put("adminToken", ADMIN))
        .put("webhooks", new JsonObject().put("allowPrivateTargets", true))
        .put("jobs", new JsonObject().put("pollMillis", 50).put("backoffBaseMillis", 50).put("backoffMaxMillis", 200)
            .put("maxAttempts", 4)));
    api = cluster.api();
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  private static String space(Account owner) {
    String space = "hooks-" + System.nanoTime();
    api.createSpace(owner, space);
    return space;
  }

  private static String register(Account owner, String space, String url) {
    Response put = api.send("PUT", "/v1/spaces/" + space + "/webhooks/main", owner.token(), new JsonObject().put("url", url).encode());
    assertThat(put.status()).as(put.body()).isEqualTo(200);
    return put.json().getString("secret");
  }

  /** The receiver's side of the documented recipe: HMAC-SHA256(secret, "<t>.<raw body>") in hex, compared in constant time. */
  private static boolean signatureValid(String secret, String header, byte[] body) throws Exception {
    String t = header.replaceAll(".*t=(\\d+).*", "$1");
    String v1 = header.replaceAll(".*v1=([0-9a-f]+).*", "$1");
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    mac.update((t + ".").getBytes(StandardCharsets.UTF_8));
    String expected = java.util.HexFormat.of().formatHex(mac.doFinal(body));
    boolean fresh = Math.abs(System.currentTimeMillis() / 1000 - Long.parseLong(t)) < 300;
    return fresh && MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), v1.getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void everyChangeArrivesInSeqOrderSignedWithTheWebhooksSecret() throws Exception {
    try (WebhookReceiver receiver = new WebhookReceiver(cluster.vertx())) {
      Account owner = api.register();
      String space = space(owner);
      String secret = register(owner, space, receiver.url());
      for (int i = 0; i < 25; i++) {
        api.put(owner, space, "items", "d" + (i % 7), new JsonObject().put("i", i));
      }
      Await.until("25 deliveries", 20, () -> receiver.accepted().size() >= 25);
      List<WebhookReceiver.Received> got = receiver.accepted();
      assertThat(got.stream().map(WebhookReceiver.Received::seq)).containsExactlyElementsOf(LongStream.rangeClosed(1, 25).boxed().toList());
      for (WebhookReceiver.Received r : got) {
        assertThat(signatureValid(secret, r.signature(), r.body())).as("signature of " + r.seq()).isTrue();
        assertThat(signatureValid("another-secret-entirely", r.signature(), r.body())).isFalse();
        // The Standard Webhooks headers, as their verifier libraries check them.
        assertThat(r.standard().get(0)).isEqualTo("tether-" + r.delivery());
        assertThat(r.standard().get(2)).isEqualTo(WebhookSignature.standard(secret, r.standard().get(0),
            Long.parseLong(r.standard().get(1)), r.body()));
        assertThat(r.json().getString("webhook")).isEqualTo("main");
        assertThat(r.delivery()).isNotBlank();
      }
      assertThat(got.get(3).json().getJsonObject("change").getJsonObject("data").getInteger("i")).isEqualTo(3);
      Response listed = api.send("GET", "/v1/spaces/" + space + "/webhooks", owner.token(), null);
      assertThat(listed.json().getJsonArray("webhooks").getJsonObject(0).getString("url")).isEqualTo(receiver.url());
      assertThat(listed.body()).as("secrets are shown once").doesNotContain(secret);
    }
  }

  @Test
  void aFailingReceiverGetsRetriesAndStillSeesSeqOrder() {
    try (WebhookReceiver receiver = new WebhookReceiver(cluster.vertx())) {
      Account owner = api.register();
      String space = space(owner);
      register(owner, space, receiver.url());
      AtomicInteger calls = new AtomicInteger();
      receiver.answer(() -> calls.incrementAndGet() % 3 == 0 ? 200 : 503);
      for (int i = 0; i < 6; i++) {
        api.put(owner, space, "items", "d" + i, new JsonObject());
      }
      Await.until("6 accepted deliveries", 30, () -> receiver.accepted().size() >= 6);
      assertThat(receiver.accepted().stream().map(WebhookReceiver.Received::seq)).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
      assertThat(receiver.received().size()).as("503s were retried").isGreaterThanOrEqualTo(12);
      // A retried delivery keeps its id, so a receiver can drop duplicates.
      String firstDelivery = receiver.received().get(0).delivery();
      assertThat(receiver.received().stream().filter(r -> r.delivery().equals(firstDelivery)).count()).isGreaterThan(1);
    }
  }

  @Test
  void deliveriesThatKeepFailingAreDeadLettersAnOperatorCanRetry() {
    try (WebhookReceiver receiver = new WebhookReceiver(cluster.vertx())) {
      Account owner = api.register();
      String space = space(owner);
      register(owner, space, receiver.url());
      receiver.answer(() -> 500);
      api.put(owner, space, "items", "x", new JsonObject());
      Await.until("dead after 4 attempts", 30, () -> deadJob(space) != null);
      assertThat(receiver.received()).hasSize(4);
      JsonObject dead = deadJob(space);
      assertThat(dead.getString("lastError")).contains("answered 500");
      assertThat(dead.getInteger("attempts")).isEqualTo(4);
      assertThat(api.send("GET", "/metrics", null, null).body())
          .containsPattern("tether_jobs_total\\{kind=\"webhook\",outcome=\"dead\"\\} [1-9]");

      receiver.answer(() -> 200);
      Response retried = api.send("POST", "/admin/jobs/" + dead.getLong("id") + "/retry", ADMIN, null);
      assertThat(retried.status()).isEqualTo(200);
      Await.until("delivered after the operator's retry", 10, () -> receiver.accepted().size() == 1);
      assertThat(api.send("POST", "/admin/jobs/" + dead.getLong("id") + "/retry", ADMIN, null).status()).isEqualTo(404);
      assertThat(api.send("GET", "/admin/jobs", owner.token(), null).status()).as("admins only").isEqualTo(401);
    }
  }

  @Test
  void anAnswerThatWillNotChangeIsNotRetried() {
    try (WebhookReceiver receiver = new WebhookReceiver(cluster.vertx())) {
      Account owner = api.register();
      String space = space(owner);
      register(owner, space, receiver.url());
      receiver.answer(() -> 400);
      api.put(owner, space, "items", "x", new JsonObject());
      Await.until("dead at once", 10, () -> deadJob(space) != null);
      assertThat(receiver.received()).hasSize(1);
    }
  }

  @Test
  void onlyOwnersManageWebhooksAndUrlsAreChecked() {
    Account owner = api.register();
    Account writer = api.register();
    String space = space(owner);
    api.addMember(owner, space, writer.userId(), "writer");
    Response byWriter = api.send("PUT", "/v1/spaces/" + space + "/webhooks/w", writer.token(),
        new JsonObject().put("url", "https://example.com/hook").encode());
    assertThat(byWriter.status()).isEqualTo(403);
    for (String bad : new String[] {"ftp://example.com/x", "not a url", "https://user:pw@example.com/"}) {
      Response refused = api.send("PUT", "/v1/spaces/" + space + "/webhooks/w", owner.token(), new JsonObject().put("url", bad).encode());
      assertThat(refused.status()).as(bad).isEqualTo(400);
      assertThat(refused.errorCode()).isEqualTo("bad_request");
    }
    assertThat(api.send("PUT", "/v1/spaces/" + space + "/webhooks/w", owner.token(), "{}").errorCode()).isEqualTo("bad_request");
    assertThat(api.send("DELETE", "/v1/spaces/" + space + "/webhooks/none", owner.token(), null).status()).isEqualTo(404);
    try (TestCluster guarded = TestCluster.single(new JsonObject())) {
      Account someone = guarded.api().register();
      guarded.api().createSpace(someone, "guarded");
      for (String internal : new String[] {"http://127.0.0.1:9/hook", "http://10.0.0.8/hook", "http://169.254.169.254/latest/meta-data"}) {
        Response refused = guarded.api().send("PUT", "/v1/spaces/guarded/webhooks/w", someone.token(),
            new JsonObject().put("url", internal).encode());
        assertThat(refused.status()).as(internal).isEqualTo(400);
        assertThat(refused.body()).contains("private network");
      }
    }
  }

  private static JsonObject deadJob(String space) {
    Response jobs = api.send("GET", "/admin/jobs", ADMIN, null);
    assertThat(jobs.status()).isEqualTo(200);
    return jobs.json().getJsonArray("deadJobs").stream().map(j -> (JsonObject) j)
        .filter(j -> space.equals(j.getJsonObject("payload").getString("space"))).findFirst().orElse(null);
  }
}
