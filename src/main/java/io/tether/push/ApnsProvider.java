package io.tether.push;

import io.tether.jobs.JobFailure;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

/**
 * Apple Push Notification service over HTTP/2 with token-based auth: an ES256 provider token
 * ({@code kid} = key id, {@code iss} = team id), renewed every 50 minutes (Apple refuses tokens older
 * than an hour and renewals more often than every 20 minutes), then {@code POST /3/device/<token>}.
 * 410, BadDeviceToken and Unregistered mean the token is gone.
 */
public final class ApnsProvider implements PushProvider {
  private static final long RENEW_MILLIS = 50 * 60 * 1000;

  private final HttpClient http;
  private final String endpoint;
  private final String teamId;
  private final String topic;
  private final JWTAuth signer;
  private String providerToken;
  private long issuedAt;

  public ApnsProvider(Vertx vertx, HttpClient http2, String p8Pem, String keyId, String teamId, String topic, String endpoint) {
    this.http = http2;
    this.endpoint = endpoint.replaceAll("/+$", "");
    this.teamId = teamId;
    this.topic = topic;
    this.signer = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm("ES256")
        .setId(keyId).setBuffer(p8Pem)));
  }

  @Override
  public Future<Void> send(PushMessage message) {
    JsonObject aps = message.visible()
        ? new JsonObject().put("alert", new JsonObject().put("title", message.title()).put("body", message.body()))
        : new JsonObject().put("content-available", 1);
    JsonObject payload = new JsonObject().put("aps", aps).put("space", message.space()).put("seq", message.seq());
    if (message.collection() != null) {
      payload.put("collection", message.collection()).put("id", message.id());
    }
    if (message.data() != null) {
      payload.put("data", message.data());
    }
    if (message.extra() != null) {
      payload.put("extra", message.extra());
    }
    RequestOptions request = new RequestOptions().setMethod(HttpMethod.POST)
        .setAbsoluteURI(endpoint + "/3/device/" + message.token())
        .putHeader("authorization", "bearer " + providerToken())
        .putHeader("apns-topic", topic)
        .putHeader("apns-push-type", message.visible() ? "alert" : "background")
        .putHeader("apns-priority", message.visible() ? "10" : "5")
        .putHeader("apns-collapse-id", message.collapseKey());
    return http.request(request)
        .compose(req -> req.send(payload.toBuffer()))
        .recover(err -> Future.failedFuture(JobFailure.retry("APNs unreachable: " + err.getMessage(), 0)))
        .compose(response -> response.body().compose(body -> {
          int status = response.statusCode();
          if (status == 200) {
            return Future.succeededFuture();
          }
          String reason = reason(body.toString());
          if (status == 410 || "BadDeviceToken".equals(reason) || "Unregistered".equals(reason)) {
            return Future.failedFuture(new Unregistered("APNs: " + status + " " + reason));
          }
          if (status == 403 && "ExpiredProviderToken".equals(reason)) {
            providerToken = null;
            return Future.failedFuture(JobFailure.retry("APNs: the provider token expired", 0));
          }
          return Future.failedFuture(ProviderErrors.classify("APNs", response, reason));
        }));
  }

  private String providerToken() {
    long now = System.currentTimeMillis();
    if (providerToken == null || now - issuedAt > RENEW_MILLIS) {
      providerToken = signer.generateToken(new JsonObject(), new JWTOptions().setAlgorithm("ES256").setIssuer(teamId));
      issuedAt = now;
    }
    return providerToken;
  }

  private static String reason(String body) {
    try {
      return new JsonObject(body).getString("reason", body);
    } catch (RuntimeException notJson) {
      return body;
    }
  }
}
