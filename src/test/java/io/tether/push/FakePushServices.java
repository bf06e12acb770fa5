package io.tether.push;

import io.tether.support.Await;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Real HTTP servers standing in for Google's and Apple's: an OAuth2 token endpoint and FCM's
 * messages:send (HTTP/1.1), and APNs (HTTP/2 over cleartext). They check what the real services
 * check (the JWTs' signatures and claims, the access token, the headers) and record each message.
 * FCM tokens starting with "gone-" are unregistered; so are APNs tokens starting with "gone-" (410).
 */
final class FakePushServices implements AutoCloseable {
  record Sent(String provider, String token, JsonObject body, String pushType, String collapseId) {}

  final Path serviceAccountFile;
  final Path apnsKeyFile;
  final String apnsKeyId = "KEY123ABC";
  final String apnsTeamId = "TEAM456DEF";
  final String apnsTopic = "com.example.shoppinglist";
  private final HttpServer fcm;
  private final HttpServer apns;
  private final JWTAuth fcmVerifier;
  private final JWTAuth apnsVerifier;
  private final List<Sent> sent = new ArrayList<>();
  private int tokenExchanges;

  FakePushServices(Vertx vertx) throws Exception {
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    KeyPair google = rsa.generateKeyPair();
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair apple = ec.generateKeyPair();
    fcmVerifier = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm("RS256")
        .setBuffer(pem("PUBLIC KEY", google.getPublic().getEncoded()))));
    apnsVerifier = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm("ES256")
        .setId(apnsKeyId).setBuffer(pem("PUBLIC KEY", apple.getPublic().getEncoded()))));

    fcm = Await.result(vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      if (req.path().equals("/token")) {
        String assertion = URLDecoder.decode(body.toString().replaceAll(".*assertion=([^&]*).*", "$1"), StandardCharsets.UTF_8);
        fcmVerifier.authenticate(new TokenCredentials(assertion)).onComplete(ar -> {
          JsonObject claims = ar.succeeded() ? ar.result().principal() : null;
          if (claims == null || !"https://www.googleapis.com/auth/firebase.messaging".equals(claims.getString("scope"))) {
            req.response().setStatusCode(400).end("{\"error\":\"invalid_grant\"}");
            return;
          }
          synchronized (this) {
            tokenExchanges++;
          }
          req.response().putHeader("Content-Type", "application/json")
              .end(new JsonObject().put("access_token", "fcm-access-1").put("expires_in", 3600).encode());
        });
      } else if (req.path().equals("/v1/projects/test-project/messages:send")) {
        if (!"Bearer fcm-access-1".equals(req.getHeader("Authorization"))) {
          req.response().setStatusCode(401).end("{\"error\":{\"status\":\"UNAUTHENTICATED\"}}");
          return;
        }
        JsonObject message = body.toJsonObject().getJsonObject("message");
        String token = message.getString("token");
        record("fcm", token, message, null, message.getJsonObject("android").getString("collapse_key"));
        if (token.startsWith("gone-")) {
          req.response().setStatusCode(404).end("{\"error\":{\"status\":\"NOT_FOUND\",\"details\":[{\"errorCode\":\"UNREGISTERED\"}]}}");
        } else {
          req.response().end("{\"name\":\"projects/test-project/messages/1\"}");
        }
      } else {
        req.response().setStatusCode(404).end();
      }
    })).listen(0, "127.0.0.1"));

    apns = Await.result(vertx.createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(true)).requestHandler(req ->
        req.body().onSuccess(body -> {
          String jwt = req.getHeader("authorization") == null ? "" : req.getHeader("authorization").replaceFirst("^bearer ", "");
          apnsVerifier.authenticate(new TokenCredentials(jwt)).onComplete(ar -> {
            if (req.version() != io.vertx.core.http.HttpVersion.HTTP_2) {
              req.response().setStatusCode(505).end();
              return;
            }
            if (ar.failed() || !apnsTeamId.equals(ar.result().principal().getString("iss"))) {
              req.response().setStatusCode(403).end("{\"reason\":\"InvalidProviderToken\"}");
              return;
            }
            if (!apnsTopic.equals(req.getHeader("apns-topic"))) {
              req.response().setStatusCode(400).end("{\"reason\":\"TopicDisallowed\"}");
              return;
            }
            String token = req.path().substring("/3/device/".length());
            record("apns", token, body.toJsonObject(), req.getHeader("apns-push-type"), req.getHeader("apns-collapse-id"));
            if (token.startsWith("gone-")) {
              req.response().setStatusCode(410).end("{\"reason\":\"Unregistered\"}");
            } else {
              req.response().end();
            }
          });
        })).listen(0, "127.0.0.1"));

    serviceAccountFile = Files.createTempFile("tether-fcm-", ".json");
    Files.writeString(serviceAccountFile, new JsonObject().put("type", "service_account").put("project_id", "test-project")
        .put("client_email", "tether@test-project.iam.gserviceaccount.com")
        .put("private_key", pem("PRIVATE KEY", google.getPrivate().getEncoded()))
        .put("token_uri", fcmUrl() + "/token").encode());
    apnsKeyFile = Files.createTempFile("tether-apns-", ".p8");
    Files.writeString(apnsKeyFile, pem("PRIVATE KEY", apple.getPrivate().getEncoded()));
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  private synchronized void record(String provider, String token, JsonObject body, String pushType, String collapseId) {
    sent.add(new Sent(provider, token, body, pushType, collapseId));
  }

  String fcmUrl() {
    return "http://127.0.0.1:" + fcm.actualPort();
  }

  String apnsUrl() {
    return "http://127.0.0.1:" + apns.actualPort();
  }

  JsonObject config(int collapseSeconds) {
    return new JsonObject().put("collapseSeconds", collapseSeconds)
        .put("fcm", new JsonObject().put("serviceAccountFile", serviceAccountFile.toString()).put("endpoint", fcmUrl()))
        .put("apns", new JsonObject().put("keyFile", apnsKeyFile.toString()).put("keyId", apnsKeyId).put("teamId", apnsTeamId)
            .put("topic", apnsTopic).put("endpoint", apnsUrl()));
  }

  synchronized List<Sent> sentTo(String token) {
    return sent.stream().filter(s -> s.token().equals(token)).toList();
  }

  synchronized int tokenExchanges() {
    return tokenExchanges;
  }

  @Override
  public void close() {
    Await.result(fcm.close());
    Await.result(apns.close());
  }
}
