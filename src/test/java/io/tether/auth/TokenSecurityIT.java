package io.tether.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.support.ApiClient;
import io.tether.support.ApiClient.Account;
import io.tether.support.ApiClient.Response;
import io.tether.support.Await;
import io.tether.support.RefusedUpgrades;
import io.tether.support.Jwts;
import io.tether.support.Ports;
import io.tether.support.TestDatabase;
import io.tether.support.TestNode;
import io.tether.support.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Token rules on a production-mode node (ES256 key from a PEM file) that also trusts an external
 * identity provider, whose JWKS a real local HTTP server serves. Every attack is tried on REST, on
 * the WebSocket upgrade and in an auth frame.
 */
class TokenSecurityIT {
  private static final String IDP = "https://idp.example.test/";
  private static final String IDP_AUDIENCE = "tether-mobile";

  private static Vertx vertx;
  private static TestDatabase db;
  private static TestNode node;
  private static ApiClient api;
  private static HttpServer jwksServer;
  private static final AtomicReference<JsonObject> served = new AtomicReference<>();
  private static final AtomicInteger jwksFetches = new AtomicInteger();
  private static KeyPair serverKey;
  private static KeyPair idpEc;
  private static KeyPair idpRsa;
  private static Path keyFile;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    db = TestDatabase.create(vertx);
    serverKey = Jwts.ecKeys();
    idpEc = Jwts.ecKeys();
    idpRsa = Jwts.rsaKeys();
    keyFile = Files.createTempFile("tether-key-", ".pem");
    Files.writeString(keyFile, Jwts.pem("PRIVATE KEY", serverKey.getPrivate().getEncoded()));
    served.set(new JsonObject().put("keys", new JsonArray()
        .add(Jwts.jwk((ECPublicKey) idpEc.getPublic(), "idp-ec"))
        .add(Jwts.jwk((RSAPublicKey) idpRsa.getPublic(), "idp-rsa"))));
    int jwksPort = Ports.free();
    jwksServer = Await.result(vertx.createHttpServer().requestHandler(req -> {
      jwksFetches.incrementAndGet();
      req.response().putHeader("Content-Type", "application/json").end(served.get().encode());
    }).listen(jwksPort, "127.0.0.1"));
    node = TestNode.start(db, null, new JsonObject()
        .put("server", new JsonObject().put("mode", "production"))
        .put("auth", new JsonObject().put("signingKeyFile", keyFile.toString()).put("signingKeyId", "main-1")
            .put("jwksRefetchSeconds", 0)
            .put("externalIssuers", new JsonArray().add(new JsonObject().put("issuer", IDP).put("audience", IDP_AUDIENCE)
                .put("jwksUri", "http://127.0.0.1:" + jwksPort + "/jwks")))));
    api = new ApiClient(node.port());
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
    db.close();
    Await.result(jwksServer.close());
    Await.result(vertx.close());
    Files.deleteIfExists(keyFile);
  }

  private static JsonObject ownClaims(String subject, long expiresIn) {
    return Jwts.claims("tether", "tether", subject, expiresIn);
  }

  @Test
  void theServerSignsWithES256AndPublishesAKeyOthersCanVerifyWith() throws Exception {
    Account user = api.register();
    String[] parts = user.token().split("\\.");
    JsonObject header = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8));
    assertThat(header.getString("alg")).isEqualTo("ES256");
    assertThat(header.getString("kid")).isEqualTo("main-1");

    JsonObject jwks = api.send("GET", "/.well-known/jwks.json", null, null).json();
    JsonObject jwk = jwks.getJsonArray("keys").getJsonObject(0);
    assertThat(jwk.getString("kid")).isEqualTo("main-1");
    assertThat(jwk.fieldNames()).doesNotContain("d");
    ECPublicKey published = (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(
        new ECPoint(new BigInteger(1, Base64.getUrlDecoder().decode(jwk.getString("x"))),
            new BigInteger(1, Base64.getUrlDecoder().decode(jwk.getString("y")))),
        ((ECPublicKey) serverKey.getPublic()).getParams()));
    Signature verify = Signature.getInstance("SHA256withECDSAinP1363Format");
    verify.initVerify(published);
    verify.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
    assertThat(verify.verify(Base64.getUrlDecoder().decode(parts[2]))).isTrue();
  }

  @Test
  void everyForgedOrBrokenTokenIsRefusedOnRestUpgradeAndAuthFrame() {
    Account victim = api.register();
    String space = "tok-" + System.nanoTime();
    api.createSpace(victim, space);
    String valid = Jwts.es256("main-1", ownClaims(victim.userId(), 300), serverKey.getPrivate());
    byte[] publicPem = Jwts.pem("PUBLIC KEY", serverKey.getPublic().getEncoded()).getBytes(StandardCharsets.US_ASCII);
    KeyPair stranger = Jwts.ecKeys();

    Map<String, String> attacks = new LinkedHashMap<>();
    attacks.put("alg none, no signature", Jwts.unsigned(new JsonObject().put("alg", "none"), ownClaims(victim.userId(), 300), ""));
    attacks.put("alg none with a signature", Jwts.unsigned(new JsonObject().put("alg", "none").put("kid", "main-1"),
        ownClaims(victim.userId(), 300), "c2ln"));
    attacks.put("HS256 keyed with the public key", Jwts.hs256(new JsonObject().put("alg", "HS256").put("kid", "main-1"),
        ownClaims(victim.userId(), 300), publicPem));
    attacks.put("unknown kid", Jwts.es256("other-key", ownClaims(victim.userId(), 300), stranger.getPrivate()));
    attacks.put("right kid, wrong key", Jwts.es256("main-1", ownClaims(victim.userId(), 300), stranger.getPrivate()));
    attacks.put("no kid", Jwts.unsigned(new JsonObject().put("alg", "ES256"), ownClaims(victim.userId(), 300),
        valid.split("\\.")[2]));
    attacks.put("tampered claims", valid.split("\\.")[0] + "." + Base64.getUrlEncoder().withoutPadding()
        .encodeToString(ownClaims("someone-else", 300).encode().getBytes(StandardCharsets.UTF_8)) + "." + valid.split("\\.")[2]);
    attacks.put("no exp", Jwts.es256("main-1", ownClaims(victim.userId(), 300).copy().put("exp", (Object) null), serverKey.getPrivate()));
    // Expired and forged: only a genuine token may be told it expired.
    attacks.put("expired, wrong key", Jwts.es256("main-1", ownClaims(victim.userId(), -120), stranger.getPrivate()));
    attacks.put("expired, tampered claims", valid.split("\\.")[0] + "." + Base64.getUrlEncoder().withoutPadding()
        .encodeToString(ownClaims(victim.userId(), -120).encode().getBytes(StandardCharsets.UTF_8)) + "." + valid.split("\\.")[2]);
    attacks.put("wrong audience", Jwts.es256("main-1", Jwts.claims("tether", "someone-else", victim.userId(), 300), serverKey.getPrivate()));
    attacks.put("no issuer", Jwts.es256("main-1", ownClaims(victim.userId(), 300).copy().put("iss", (Object) null), serverKey.getPrivate()));
    attacks.put("unknown issuer", Jwts.es256("main-1", Jwts.claims("https://evil.test/", "tether", victim.userId(), 300), serverKey.getPrivate()));
    // RFC 8725 §3.11: a token of another type signed with the same key (here a DPoP proof and a
    // logout token) is not an access token.
    attacks.put("typ dpop+jwt", Jwts.es256(new JsonObject().put("typ", "dpop+jwt").put("kid", "main-1"),
        ownClaims(victim.userId(), 300), serverKey.getPrivate()));
    attacks.put("typ application/logout+jwt", Jwts.es256(new JsonObject().put("typ", "application/logout+jwt")
        .put("kid", "main-1"), ownClaims(victim.userId(), 300), serverKey.getPrivate()));
    attacks.put("typ not a string", Jwts.es256(new JsonObject().put("typ", 1).put("kid", "main-1"),
        ownClaims(victim.userId(), 300), serverKey.getPrivate()));
    attacks.put("not a JWT", "garbage");
    attacks.put("two segments", "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0");

    for (Map.Entry<String, String> attack : attacks.entrySet()) {
      Response rest = api.send("GET", "/v1/spaces/" + space, attack.getValue(), null);
      assertThat(rest.status()).as("REST: " + attack.getKey()).isEqualTo(401);
      assertThat(rest.errorCode()).as("REST: " + attack.getKey()).isEqualTo("unauthorized");
      assertThat(rest.header("WWW-Authenticate")).as("REST: " + attack.getKey())
          .isEqualTo("Bearer error=\"invalid_token\", error_description=\"The access token is invalid\"");

      assertThat(RefusedUpgrades.refusal(vertx, new WebSocketConnectOptions().setHost("127.0.0.1").setPort(node.port())
          .setURI("/v1/sync").addHeader("Authorization", "Bearer " + attack.getValue())).getStatus())
          .as("upgrade: " + attack.getKey()).isEqualTo(401);

      try (WsClient ws = WsClient.connect(vertx, node.port(), null)) {
        ws.send(new JsonObject().put("type", "auth").put("token", attack.getValue()));
        assertThat(ws.closeCode(5)).as("auth frame: " + attack.getKey()).isEqualTo((short) 1008);
      }
    }
    // A genuine token past its exp says so, distinctly: refresh, do not sign in again.
    String expired = Jwts.es256("main-1", ownClaims(victim.userId(), -120), serverKey.getPrivate());
    Response rest = api.send("GET", "/v1/spaces/" + space, expired, null);
    assertThat(rest.status()).isEqualTo(401);
    assertThat(rest.errorCode()).isEqualTo("token_expired");
    assertThat(rest.header("WWW-Authenticate"))
        .isEqualTo("Bearer error=\"invalid_token\", error_description=\"The access token expired\"");
    io.vertx.core.http.UpgradeRejectedException upgrade = RefusedUpgrades.refusal(vertx, new WebSocketConnectOptions()
        .setHost("127.0.0.1").setPort(node.port()).setURI("/v1/sync").addHeader("Authorization", "Bearer " + expired));
    assertThat(upgrade.getStatus()).isEqualTo(401);
    assertThat(upgrade.getHeaders().get("WWW-Authenticate")).contains("The access token expired");
    try (WsClient ws = WsClient.connect(vertx, node.port(), null)) {
      ws.send(new JsonObject().put("type", "auth").put("token", expired));
      assertThat(ws.closeCode(5)).isEqualTo((short) 4001);
      assertThat(ws.socket().closeReason()).isEqualTo("token_expired");
    }
    assertThat(api.send("GET", "/v1/spaces/" + space, null, null).header("WWW-Authenticate")).as("no token").isEqualTo("Bearer");

    // The controls: the same server-signed token, untouched, works, and so do the access-token types.
    assertThat(api.send("GET", "/v1/spaces/" + space, valid, null).status()).isEqualTo(200);
    for (String typ : new String[] {"at+jwt", "application/at+JWT"}) {
      String typed = Jwts.es256(new JsonObject().put("typ", typ).put("kid", "main-1"), ownClaims(victim.userId(), 300),
          serverKey.getPrivate());
      assertThat(api.send("GET", "/v1/spaces/" + space, typed, null).status()).as(typ).isEqualTo(200);
    }
  }

  @Test
  void externalIssuerTokensAreVerifiedAgainstItsJwksAndMapToTheirOwnUsers() {
    String ecToken = Jwts.es256("idp-ec", Jwts.claims(IDP, IDP_AUDIENCE, "alice", 300), idpEc.getPrivate());
    String rsaToken = Jwts.rs256("idp-rsa", Jwts.claims(IDP, IDP_AUDIENCE, "auth0|bob", 300), idpRsa.getPrivate());
    String space = "ext-" + System.nanoTime();
    Response created = api.send("PUT", "/v1/spaces/" + space, ecToken, null);
    assertThat(created.status()).isEqualTo(201);
    assertThat(api.send("PUT", "/v1/spaces/" + space + "/documents/c/d", ecToken, "{\"from\":\"firebase\"}").status()).isEqualTo(201);
    assertThat(api.send("GET", "/v1/spaces/" + space, rsaToken, null).status()).as("bob is not a member").isEqualTo(403);

    JsonObject change = api.send("GET", "/v1/spaces/" + space + "/changes", ecToken, null).json()
        .getJsonArray("changes").getJsonObject(0);
    assertThat(change.getString("actor")).startsWith("ext-").endsWith(":alice");

    // A built-in user whose id equals the external subject is someone else.
    Account builtIn = api.register();
    String sameSubject = Jwts.es256("idp-ec", Jwts.claims(IDP, IDP_AUDIENCE, builtIn.userId(), 300), idpEc.getPrivate());
    String mine = "own-" + System.nanoTime();
    api.createSpace(builtIn, mine);
    assertThat(api.send("GET", "/v1/spaces/" + mine, sameSubject, null).status()).isEqualTo(403);

    byte[] idpPublicPem = Jwts.pem("PUBLIC KEY", idpRsa.getPublic().getEncoded()).getBytes(StandardCharsets.US_ASCII);
    Map<String, String> refused = new LinkedHashMap<>();
    refused.put("wrong audience", Jwts.es256("idp-ec", Jwts.claims(IDP, "another-app", "alice", 300), idpEc.getPrivate()));
    refused.put("HS256 keyed with the IdP's RSA public key", Jwts.hs256(new JsonObject().put("alg", "HS256").put("kid", "idp-rsa"),
        Jwts.claims(IDP, IDP_AUDIENCE, "alice", 300), idpPublicPem));
    refused.put("expired", Jwts.es256("idp-ec", Jwts.claims(IDP, IDP_AUDIENCE, "alice", -300), idpEc.getPrivate()));
    refused.put("EC key used with RS256", Jwts.unsigned(new JsonObject().put("alg", "RS256").put("kid", "idp-ec"),
        Jwts.claims(IDP, IDP_AUDIENCE, "alice", 300), ecToken.split("\\.")[2]));
    for (Map.Entry<String, String> attack : refused.entrySet()) {
      Response answer = api.send("GET", "/v1/spaces/" + space, attack.getValue(), null);
      assertThat(answer.status()).as(attack.getKey()).isEqualTo(401);
      assertThat(answer.errorCode()).as(attack.getKey()).isEqualTo(attack.getKey().equals("expired") ? "token_expired" : "unauthorized");
    }
  }

  @Test
  void anUnknownKidTriggersOneJwksFetchSoRotatedKeysWork() {
    KeyPair rotated = Jwts.ecKeys();
    String token = Jwts.es256("idp-ec-2", Jwts.claims(IDP, IDP_AUDIENCE, "carol", 300), rotated.getPrivate());
    String space = "rot-" + System.nanoTime();
    assertThat(api.send("PUT", "/v1/spaces/" + space, token, null).status()).as("not published yet").isEqualTo(401);
    JsonObject withNewKey = served.get().copy();
    withNewKey.getJsonArray("keys").add(Jwts.jwk((ECPublicKey) rotated.getPublic(), "idp-ec-2"));
    served.set(withNewKey);
    int before = jwksFetches.get();
    assertThat(api.send("PUT", "/v1/spaces/" + space, token, null).status()).isEqualTo(201);
    assertThat(jwksFetches.get() - before).isEqualTo(1);
    assertThat(api.send("GET", "/v1/spaces/" + space, token, null).status()).isEqualTo(200);
    assertThat(jwksFetches.get() - before).as("a known kid fetches nothing").isEqualTo(1);
  }

  @Test
  void refreshTokensRotateAndAReusedOneRevokesItsFamily() {
    Response registered = api.send("POST", "/v1/auth/register", null,
        new JsonObject().put("email", "r-" + System.nanoTime() + "@example.test").put("password", "long enough pw").encode());
    String first = registered.json().getString("refreshToken");
    assertThat(first).hasSizeGreaterThan(40);

    Response refreshed = api.send("POST", "/v1/auth/refresh", null, new JsonObject().put("refreshToken", first).encode());
    assertThat(refreshed.status()).isEqualTo(200);
    String second = refreshed.json().getString("refreshToken");
    assertThat(second).isNotEqualTo(first);
    assertThat(api.send("GET", "/v1/spaces/whatever", refreshed.json().getString("accessToken"), null).status()).isEqualTo(403);

    // The old token shows up again: it leaked. Refused, and the whole family with it.
    Response reused = api.send("POST", "/v1/auth/refresh", null, new JsonObject().put("refreshToken", first).encode());
    assertThat(reused.status()).isEqualTo(401);
    assertThat(api.send("POST", "/v1/auth/refresh", null, new JsonObject().put("refreshToken", second).encode()).status())
        .isEqualTo(401);

    String stored = Await.result(db.pool().query("SELECT string_agg(token_hash, ',') FROM refresh_tokens").execute())
        .iterator().next().getString(0);
    assertThat(stored).doesNotContain(first).doesNotContain(second);

    Response login = api.send("POST", "/v1/auth/login", null, new JsonObject()
        .put("email", registered.json().getString("userId")).put("password", "x").encode());
    assertThat(login.status()).isEqualTo(401);
    assertThat(api.send("POST", "/v1/auth/refresh", null, "{\"refreshToken\":\"made-up\"}").status()).isEqualTo(401);
    assertThat(api.send("POST", "/v1/auth/refresh", null, "{}").status()).isEqualTo(400);
    assertThat(api.send("POST", "/v1/auth/refresh", null, "{\"refreshToken\":7}").status()).isEqualTo(400);
  }

  @Test
  void logoutEndsTheSignIn() {
    Response registered = api.send("POST", "/v1/auth/register", null,
        new JsonObject().put("email", "l-" + System.nanoTime() + "@example.test").put("password", "long enough pw").encode());
    String refresh = registered.json().getString("refreshToken");
    assertThat(api.send("POST", "/v1/auth/logout", null, new JsonObject().put("refreshToken", refresh).encode()).status())
        .isEqualTo(204);
    assertThat(api.send("POST", "/v1/auth/refresh", null, new JsonObject().put("refreshToken", refresh).encode()).status())
        .isEqualTo(401);
  }
}
