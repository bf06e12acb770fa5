package io.tether.push;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.support.ApiClient;
import io.tether.support.ApiClient.Account;
import io.tether.support.Await;
import io.tether.support.TestCluster;
import io.tether.support.WebhookReceiver;
import io.tether.support.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Push notifications through the job queue to fake FCM and APNs servers that check what the real ones do. */
class PushIT {
  private static Vertx fakes;
  private static FakePushServices services;
  private static TestCluster cluster;
  private static ApiClient api;

  @BeforeAll
  static void start() throws Exception {
    fakes = Vertx.vertx();
    services = new FakePushServices(fakes);
    cluster = TestCluster.nodes(1, new JsonObject().put("push", services.config(1))
        .put("webhooks", new JsonObject().put("allowPrivateTargets", true))
        .put("jobs", new JsonObject().put("pollMillis", 50).put("backoffBaseMillis", 50).put("backoffMaxMillis", 200)));
    api = cluster.api();
  }

  @AfterAll
  static void stop() {
    cluster.close();
    services.close();
    Await.result(fakes.close());
  }

  private record Team(String space, Account alice, Account bob, Account carol, String bobToken, String carolToken) {}

  /** alice writes; bob has an Android phone (FCM), carol an iPhone (APNs). */
  private static Team team() {
    Account alice = api.register();
    Account bob = api.register();
    Account carol = api.register();
    String space = "push-" + System.nanoTime();
    api.createSpace(alice, space);
    api.addMember(alice, space, bob.userId(), "writer");
    api.addMember(alice, space, carol.userId(), "reader");
    String bobToken = "fcm-" + System.nanoTime();
    String carolToken = "apns" + System.nanoTime();
    assertThat(api.send("PUT", "/v1/devices/pixel", bob.token(),
        new JsonObject().put("platform", "fcm").put("token", bobToken).encode()).status()).isEqualTo(200);
    assertThat(api.send("PUT", "/v1/devices/iphone", carol.token(),
        new JsonObject().put("platform", "apns").put("token", carolToken).encode()).status()).isEqualTo(200);
    return new Team(space, alice, bob, carol, bobToken, carolToken);
  }

  @Test
  void offlineMembersGetOnePushPerWindowAndOnlineOnesNone() {
    Team t = team();
    try (WsClient carolOnline = WsClient.connect(cluster.vertx(), cluster.node().port(), t.carol().token())) {
      carolOnline.send(new JsonObject().put("type", "ping").put("id", "p"));
      carolOnline.awaitType("pong");
      for (int i = 0; i < 5; i++) {
        api.put(t.alice(), t.space(), "items", "milk", new JsonObject().put("qty", i));
      }
      Await.until("bob's phone is woken", 10, () -> services.sentTo(t.bobToken()).size() == 1);
      Await.sleep(1500); // past the 1 s window: still one push for five changes
      assertThat(services.sentTo(t.bobToken())).as("collapsed").hasSize(1);
      FakePushServices.Sent push = services.sentTo(t.bobToken()).get(0);
      JsonObject data = push.body().getJsonObject("data");
      assertThat(data.getString("space")).isEqualTo(t.space());
      assertThat(Long.parseLong(data.getString("seq"))).as("names the newest change of the window").isEqualTo(5);
      assertThat(data.getString("id")).isEqualTo("milk");
      assertThat(data.containsKey("data")).as("no document data unless the space opts in").isFalse();
      assertThat(push.collapseId()).isEqualTo(t.space());
      assertThat(services.sentTo(t.carolToken())).as("carol has a live socket").isEmpty();
    }
    api.put(t.alice(), t.space(), "items", "eggs", new JsonObject().put("qty", 12));
    Await.until("carol, now offline, is woken through APNs", 10, () -> services.sentTo(t.carolToken()).size() == 1);
    FakePushServices.Sent apns = services.sentTo(t.carolToken()).get(0);
    assertThat(apns.pushType()).isEqualTo("background");
    assertThat(apns.body().getJsonObject("aps").getInteger("content-available")).isEqualTo(1);
    assertThat(apns.body().getLong("seq")).isEqualTo(6);
    assertThat(services.sentTo(t.bobToken())).hasSize(2);
    assertThat(services.tokenExchanges()).as("the FCM access token is cached").isEqualTo(1);
  }

  @Test
  void aWebhookDeviceGetsItsPushesAsJsonPosts() {
    Team t = team();
    Account erin = api.register();
    api.addMember(t.alice(), t.space(), erin.userId(), "reader");
    try (WebhookReceiver endpoint = new WebhookReceiver(fakes)) {
      assertThat(api.send("PUT", "/v1/devices/desktop", erin.token(),
          new JsonObject().put("platform", "webhook").put("token", endpoint.url()).encode()).status()).isEqualTo(200);
      api.put(t.alice(), t.space(), "items", "tea", new JsonObject());
      Await.until("erin's endpoint gets the push", 10, () -> endpoint.accepted().size() == 1);
      JsonObject push = endpoint.accepted().get(0).json();
      assertThat(push.getString("space")).isEqualTo(t.space());
      assertThat(push.getString("id")).isEqualTo("tea");
      endpoint.answer(() -> 410);
      api.put(t.alice(), t.space(), "items", "tea", new JsonObject().put("again", true));
      Await.until("a gone endpoint is forgotten", 10,
          () -> api.send("GET", "/v1/devices", erin.token(), null).json().getJsonArray("devices").isEmpty());
    }
  }

  @Test
  void anUnregisteredTokenIsForgotten() {
    Team t = team();
    Account dave = api.register();
    api.addMember(t.alice(), t.space(), dave.userId(), "reader");
    String gone = "gone-" + System.nanoTime();
    api.send("PUT", "/v1/devices/old-phone", dave.token(), new JsonObject().put("platform", "fcm").put("token", gone).encode());
    api.put(t.alice(), t.space(), "items", "x", new JsonObject());
    Await.until("FCM said unregistered", 10, () -> services.sentTo(gone).size() == 1);
    Await.until("dave's stale device is removed", 10,
        () -> api.send("GET", "/v1/devices", dave.token(), null).json().getJsonArray("devices").isEmpty());
    Await.until("bob's push went out all the same", 10, () -> services.sentTo(t.bobToken()).size() == 1);
  }

  @Test
  void aWriterNotifiesEveryOtherMemberAndOwnersMayIncludeData() {
    Team t = team();
    assertThat(api.send("POST", "/v1/spaces/" + t.space() + "/notify", t.carol().token(),
        new JsonObject().put("title", "hi").encode()).status()).as("readers may not").isEqualTo(403);
    try (WsClient carolOnline = WsClient.connect(cluster.vertx(), cluster.node().port(), t.carol().token())) {
      carolOnline.send(new JsonObject().put("type", "ping").put("id", "p"));
      carolOnline.awaitType("pong");
      assertThat(api.send("POST", "/v1/spaces/" + t.space() + "/notify", t.bob().token(),
          new JsonObject().put("title", "Dinner?").put("body", "Bob added the list").encode()).status()).isEqualTo(202);
      Await.until("carol is told even while online", 10, () -> services.sentTo(t.carolToken()).size() == 1);
      FakePushServices.Sent alert = services.sentTo(t.carolToken()).get(0);
      assertThat(alert.pushType()).isEqualTo("alert");
      assertThat(alert.body().getJsonObject("aps").getJsonObject("alert").getString("title")).isEqualTo("Dinner?");
      Await.sleep(300);
      assertThat(services.sentTo(t.bobToken())).as("not the sender").isEmpty();
    }
    assertThat(api.send("PUT", "/v1/spaces/" + t.space() + "/push", t.bob().token(),
        new JsonObject().put("includesData", true).encode()).status()).as("owners only").isEqualTo(403);
    assertThat(api.send("PUT", "/v1/spaces/" + t.space() + "/push", t.alice().token(),
        new JsonObject().put("includesData", true).encode()).status()).isEqualTo(200);
    api.put(t.alice(), t.space(), "items", "bread", new JsonObject().put("qty", 1));
    Await.until("bob's push carries the document", 10, () -> services.sentTo(t.bobToken()).size() == 1);
    assertThat(new JsonObject(services.sentTo(t.bobToken()).get(0).body().getJsonObject("data").getString("data")))
        .isEqualTo(new JsonObject().put("qty", 1));
  }
}
