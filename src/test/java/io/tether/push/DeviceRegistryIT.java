package io.tether.push;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.support.ApiClient;
import io.tether.support.ApiClient.Account;
import io.tether.support.TestCluster;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** Each user registers their own devices for push; tokens are stored, never echoed. */
class DeviceRegistryIT {

  @Test
  void registerUpdateListAndUnregister() {
    try (TestCluster cluster = TestCluster.single(new JsonObject())) {
      ApiClient api = cluster.api();
      Account alice = api.register();
      Account bob = api.register();
      String secretToken = "fcm-token-" + System.nanoTime();
      assertThat(api.send("PUT", "/v1/devices/phone-1", alice.token(),
          new JsonObject().put("platform", "fcm").put("token", secretToken).put("locale", "en-GB").encode()).status()).isEqualTo(200);
      assertThat(api.send("PUT", "/v1/devices/phone-1", alice.token(),
          new JsonObject().put("platform", "apns").put("token", "apns-" + secretToken).encode()).status()).isEqualTo(200);
      ApiClient.Response listed = api.send("GET", "/v1/devices", alice.token(), null);
      JsonArray devices = listed.json().getJsonArray("devices");
      assertThat(devices).hasSize(1);
      assertThat(devices.getJsonObject(0).getString("platform")).as("the update replaced the registration").isEqualTo("apns");
      assertThat(listed.body()).doesNotContain(secretToken);
      assertThat(api.send("GET", "/v1/devices", bob.token(), null).json().getJsonArray("devices")).isEmpty();
      assertThat(api.send("DELETE", "/v1/devices/phone-1", bob.token(), null).status()).as("not bob's").isEqualTo(404);

      assertThat(api.send("PUT", "/v1/devices/phone-2", alice.token(),
          new JsonObject().put("platform", "pager").put("token", "x").encode()).errorCode()).isEqualTo("bad_request");
      assertThat(api.send("PUT", "/v1/devices/phone-2", alice.token(),
          new JsonObject().put("platform", "fcm").encode()).status()).isEqualTo(400);
      assertThat(api.send("PUT", "/v1/devices/phone-2", null,
          new JsonObject().put("platform", "fcm").put("token", "t").encode()).status()).isEqualTo(401);
      ApiClient.Response internal = api.send("PUT", "/v1/devices/gateway", alice.token(),
          new JsonObject().put("platform", "webhook").put("token", "http://127.0.0.1:8080/admin").encode());
      assertThat(internal.status()).as("a webhook device may not point into the server's network").isEqualTo(400);
      assertThat(api.send("DELETE", "/v1/devices/phone-1", alice.token(), null).status()).isEqualTo(204);
      assertThat(api.send("GET", "/v1/devices", alice.token(), null).json().getJsonArray("devices")).isEmpty();
    }
  }
}
