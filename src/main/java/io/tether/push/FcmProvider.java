package io.tether.push;

import io.tether.jobs.JobFailure;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Firebase Cloud Messaging, HTTP v1: the service account signs a JWT (RS256) that its token endpoint
 * exchanges for an OAuth2 access token, cached until a minute before it expires (and dropped on a
 * 401); then {@code POST /v1/projects/<project>/messages:send}. 404 or UNREGISTERED means the token
 * is gone.
 */
public final class FcmProvider implements PushProvider {
  private static final String SCOPE = "https://www.googleapis.com/auth/firebase.messaging";

  private final HttpClient http;
  private final String endpoint;
  private final String clientEmail;
  private final String tokenUri;
  private final String projectId;
  private final JWTAuth signer;
  private String accessToken;
  private long accessTokenValidUntil;
  private Future<String> fetching;

  public FcmProvider(Vertx vertx, HttpClient http, JsonObject serviceAccount, String endpoint) {
    this.http = http;
    this.endpoint = endpoint.replaceAll("/+$", "");
    this.clientEmail = required(serviceAccount, "client_email");
    this.tokenUri = required(serviceAccount, "token_uri");
    this.projectId = required(serviceAccount, "project_id");
    this.signer = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm("RS256")
        .setBuffer(required(serviceAccount, "private_key"))));
  }

  private static String required(JsonObject account, String key) {
    String value = account.getString(key);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("the FCM service account has no " + key);
    }
    return value;
  }

  @Override
  public Future<Void> send(PushMessage message) {
    return accessToken().compose(token -> post(message, token));
  }

  private Future<Void> post(PushMessage message, String token) {
    JsonObject data = new JsonObject().put("space", message.space()).put("seq", String.valueOf(message.seq()));
    if (message.collection() != null) {
      data.put("collection", message.collection()).put("id", message.id());
    }
    if (message.data() != null) {
      data.put("data", message.data().encode()); // FCM data values are strings
    }
    if (message.extra() != null) {
      data.put("extra", message.extra().encode());
    }
    JsonObject fcm = new JsonObject().put("token", message.token()).put("data", data)
        .put("android", new JsonObject().put("collapse_key", message.collapseKey()));
    if (message.visible()) {
      fcm.put("notification", new JsonObject().put("title", message.title()).put("body", message.body()));
    }
    RequestOptions request = new RequestOptions().setMethod(HttpMethod.POST)
        .setAbsoluteURI(endpoint + "/v1/projects/" + projectId + "/messages:send")
        .putHeader("Authorization", "Bearer " + token).putHeader("Content-Type", "application/json");
    return http.request(request)
        .compose(req -> req.send(new JsonObject().put("message", fcm).toBuffer()))
        .recover(err -> Future.failedFuture(JobFailure.retry("FCM unreachable: " + err.getMessage(), 0)))
        .compose(response -> response.body().compose(body -> {
          int status = response.statusCode();
          if (status == 200) {
            return Future.succeededFuture();
          }
          String text = body.toString();
          if (status == 404 || text.contains("UNREGISTERED")) {
            return Future.failedFuture(new Unregistered("FCM: " + status + " " + errorStatus(text)));
          }
          if (status == 401) {
            accessToken = null; // revoked or expired early: fetch a new one on the retry
            return Future.failedFuture(JobFailure.retry("FCM refused the access token", 0));
          }
          return Future.failedFuture(ProviderErrors.classify("FCM", response, text));
        }));
  }

  private static String errorStatus(String body) {
    try {
      JsonObject error = new JsonObject(body).getJsonObject("error");
      JsonArray details = error == null ? null : error.getJsonArray("details");
      return error == null ? "" : error.getString("status", "") + (details == null ? "" : " " + details.encode());
    } catch (RuntimeException notJson) {
      return "";
    }
  }

  /** One exchange at a time; every send waiting for it shares its result. */
  private Future<String> accessToken() {
    if (accessToken != null && System.currentTimeMillis() < accessTokenValidUntil) {
      return Future.succeededFuture(accessToken);
    }
    if (fetching == null) {
      fetching = exchange().onComplete(ar -> fetching = null);
    }
    return fetching;
  }

  private Future<String> exchange() {
    String assertion = signer.generateToken(new JsonObject().put("scope", SCOPE), new JWTOptions().setAlgorithm("RS256")
        .setIssuer(clientEmail).setAudience(List.of(tokenUri)).setExpiresInSeconds(3600));
    String form = "grant_type=" + URLEncoder.encode("urn:ietf:params:oauth:grant-type:jwt-bearer", StandardCharsets.UTF_8)
        + "&assertion=" + URLEncoder.encode(assertion, StandardCharsets.UTF_8);
    RequestOptions request = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(tokenUri)
        .putHeader("Content-Type", "application/x-www-form-urlencoded");
    return http.request(request)
        .compose(req -> req.send(Buffer.buffer(form)))
        .recover(err -> Future.failedFuture(JobFailure.retry("FCM token endpoint unreachable: " + err.getMessage(), 0)))
        .compose(response -> response.body().compose(body -> {
          if (response.statusCode() != 200) {
            return Future.failedFuture(ProviderErrors.classify("FCM token endpoint", response, body.toString()));
          }
          JsonObject answer = body.toJsonObject();
          accessToken = answer.getString("access_token");
          accessTokenValidUntil = System.currentTimeMillis() + (answer.getLong("expires_in", 3600L) - 60) * 1000;
          return Future.succeededFuture(accessToken);
        }));
  }
}
