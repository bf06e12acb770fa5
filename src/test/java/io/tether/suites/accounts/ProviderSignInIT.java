package io.tether.suites.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.support.ApiClient;
import io.tether.support.ApiClient.Response;
import io.tether.support.Await;
import io.tether.support.Jwts;
import io.tether.support.Ports;
import io.tether.support.TestCluster;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 19: sign in with Apple, Google and any OpenID provider ({@code POST /v1/auth/exchange}). The
 * providers are this test: its own keys, served as JWKS by a local HTTP server, sign ID tokens shaped
 * like Google's, Apple's and a plain OIDC issuer's. Two nodes over Redis.
 */
class ProviderSignInIT {
  private static final String GOOGLE = "https://accounts.google.com";
  private static final String APPLE = "https://appleid.apple.com";
  private static final String CORP = "https://id.corp.example";
  private static final String IOS_CLIENT = "123-ios.apps.googleusercontent.com";
  private static final String WEB_CLIENT = "123-web.apps.googleusercontent.com";
  private static final String BUNDLE = "com.example.groceries";

  private static final KeyPair googleKey = Jwts.rsaKeys();
  private static final KeyPair appleKey = Jwts.rsaKeys();
  private static final KeyPair corpKey = Jwts.ecKeys();
  private static final KeyPair strangerKey = Jwts.rsaKeys();
  /** A provider that rotates its key under the same kid ("r1"). */
  private static volatile KeyPair rotatingKey = Jwts.ecKeys();
  private static Vertx providers;
  private static HttpServer jwks;
  private static TestCluster cluster;
  private static ApiClient api;
  private static ApiClient other;

  @BeforeAll
  static void start() {
    providers = Vertx.vertx();
    int port = Ports.free();
    jwks = Await.result(providers.createHttpServer().requestHandler(req -> {
      JsonObject keys = switch (req.path()) {
        case "/google" -> new JsonObject().put("keys", new JsonArray().add(Jwts.jwk((RSAPublicKey) googleKey.getPublic(), "g1")));
        case "/apple" -> new JsonObject().put("keys", new JsonArray().add(Jwts.jwk((RSAPublicKey) appleKey.getPublic(), "a1")));
        case "/rotating" -> new JsonObject().put("keys", new JsonArray().add(Jwts.jwk((ECPublicKey) rotatingKey.getPublic(), "r1")));
        default -> new JsonObject().put("keys", new JsonArray().add(Jwts.jwk((ECPublicKey) corpKey.getPublic(), "c1")));
      };
      req.response().putHeader("Content-Type", "application/json").end(keys.encode());
    }).listen(port, "127.0.0.1"));
    String base = "http://127.0.0.1:" + port;
    cluster = TestCluster.nodes(2, new JsonObject().put("auth", new JsonObject().put("jwksRefetchSeconds", 1).put("signInProviders", new JsonArray()
        .add(new JsonObject().put("name", "google").put("audience", IOS_CLIENT + ", " + WEB_CLIENT).put("jwksUri", base + "/google"))
        .add(new JsonObject().put("name", "apple").put("audience", BUNDLE).put("jwksUri", base + "/apple"))
        .add(new JsonObject().put("name", "corp").put("issuer", CORP).put("audience", "tether-app").put("jwksUri", base + "/corp"))
        .add(new JsonObject().put("name", "rotating").put("issuer", "https://rotating.example").put("audience", "tether-app")
            .put("jwksUri", base + "/rotating")))));
    api = cluster.api(0);
    other = cluster.api(1);
  }

  @AfterAll
  static void stop() {
    cluster.close();
    Await.result(providers.close());
  }

  private static JsonObject googleClaims(String subject, String email) {
    return Jwts.claims(GOOGLE, IOS_CLIENT, subject, 3600).put("email", email).put("email_verified", true)
        .put("azp", IOS_CLIENT);
  }

  private static String google(JsonObject claims) {
    return Jwts.rs256("g1", claims, googleKey.getPrivate());
  }

  private static Response exchange(ApiClient via, String provider, String idToken, String nonce) {
    JsonObject body = new JsonObject().put("provider", provider).put("idToken", idToken).put("device", "test phone");
    if (nonce != null) {
      body.put("nonce", nonce);
    }
    return via.send("POST", "/v1/auth/exchange", null, body.encode());
  }

  private static long count(String sql, Object... args) {
    return Await.result(cluster.db().pool().preparedQuery(sql).execute(Tuple.from(args))).iterator().next().getLong(0);
  }

  private static String email() {
    return "p-" + UUID.randomUUID() + "@example.test";
  }

  @Test
  void aGoogleTokenMakesAUserOnceThenSignsInAsItWithRotatingRefreshTokens() {
    String subject = "g-" + UUID.randomUUID();
    String address = email();
    Response first = exchange(api, "google", google(googleClaims(subject, address.toUpperCase())), null);
    assertThat(first.status()).as(first.body()).isEqualTo(201);
    assertThat(first.json().getBoolean("created")).isTrue();
    String userId = first.json().getString("userId");
    JsonObject me = other.send("GET", "/v1/me", first.json().getString("accessToken"), null).json();
    assertThat(me.getString("email")).isEqualTo(address);
    assertThat(me.getBoolean("emailVerified")).isTrue();

    // A token for the web client id is as good; the same Google account is the same user.
    Response again = exchange(other, "google", google(googleClaims(subject, address).put("aud", WEB_CLIENT)
        .put("azp", WEB_CLIENT).put("iss", "accounts.google.com")), null);
    assertThat(again.status()).as(again.body()).isEqualTo(200);
    assertThat(again.json().getBoolean("created")).isFalse();
    assertThat(again.json().getString("userId")).isEqualTo(userId);

    Response refreshed = api.send("POST", "/v1/auth/refresh", null,
        new JsonObject().put("refreshToken", again.json().getString("refreshToken")).encode());
    assertThat(refreshed.status()).isEqualTo(200);
    assertThat(api.send("POST", "/v1/auth/refresh", null,
        new JsonObject().put("refreshToken", again.json().getString("refreshToken")).encode()).status()).isEqualTo(401);
    assertThat(count("SELECT count(*) FROM identities WHERE provider = 'google' AND subject = $1 AND user_id = $2",
        subject, userId)).isEqualTo(1);
    // No password: a password sign-in cannot work, and changing one says why.
    Response change = api.send("POST", "/v1/me/password", first.json().getString("accessToken"),
        new JsonObject().put("currentPassword", "anything at all").put("newPassword", "a long new password").encode());
    assertThat(change.status()).isEqualTo(404);
  }

  @Test
  void everyBadTokenIsRefusedSayingWhichCheckFailedAndMakesNoUser() {
    String subject = "bad-" + UUID.randomUUID();
    String address = email();
    long now = System.currentTimeMillis() / 1000;
    record Case(String what, String token, int status, String says) {}
    List<Case> cases = List.of(
        new Case("wrong audience", google(googleClaims(subject, address).put("aud", "someone-elses.apps.googleusercontent.com")), 401, "audience"),
        new Case("wrong issuer", google(googleClaims(subject, address).put("iss", "https://evil.example")), 401, "issuer"),
        new Case("expired", google(googleClaims(subject, address).put("iat", now - 7200).put("exp", now - 3600)), 401, "verify"),
        new Case("another key, same kid", Jwts.rs256("g1", googleClaims(subject, address), strangerKey.getPrivate()), 401, "verify"),
        new Case("an Apple-signed token sent as Google", Jwts.rs256("a1", googleClaims(subject, address), appleKey.getPrivate()), 401, "verify"),
        new Case("HS256 keyed with the public key", Jwts.hs256(new JsonObject().put("alg", "HS256").put("kid", "g1"),
            googleClaims(subject, address), googleKey.getPublic().getEncoded()), 401, "verify"),
        new Case("alg none", Jwts.unsigned(new JsonObject().put("alg", "none").put("kid", "g1"), googleClaims(subject, address), ""), 401, "JWT"),
        new Case("two audiences, foreign azp", google(googleClaims(subject, address)
            .put("aud", new JsonArray().add(IOS_CLIENT).add("other")).put("azp", "other")), 401, "azp"),
        new Case("no iat", google(googleClaims(subject, address).put("iat", (Object) null)), 401, "iat"),
        new Case("garbage", "not.a.jwt", 401, "JWT"),
        new Case("empty", "", 400, "idToken"),
        new Case("too large", "x".repeat(20_000), 400, "idToken"));
    for (Case c : cases) {
      Response refused = exchange(api, "google", c.token(), null);
      assertThat(refused.status()).as(c.what() + ": " + refused.body()).isEqualTo(c.status());
      assertThat(refused.json().getJsonObject("error").getString("message")).as(c.what()).contains(c.says());
    }
    Response unknownProvider = exchange(api, "facebook", google(googleClaims(subject, address)), null);
    assertThat(unknownProvider.status()).isEqualTo(400);
    assertThat(unknownProvider.json().getJsonObject("error").getString("message")).contains("apple, corp, google, rotating");
    assertThat(api.send("POST", "/v1/auth/exchange", null, "{\"provider\":\"google\",\"idToken\":42}").status()).isEqualTo(400);
    assertThat(count("SELECT count(*) FROM identities WHERE subject = $1", subject)).isZero();
    assertThat(count("SELECT count(*) FROM users WHERE email = $1", address)).isZero();
    // The node still serves: a good token goes through.
    assertThat(exchange(other, "google", google(googleClaims(subject, address)), null).status()).isEqualTo(201);
  }

  /** Issue 32, item 16: a key rotated (or revoked) under a kid already known is noticed. */
  @Test
  void aKeyRotatedUnderAKnownKidIsFetchedAgainOnASignatureFailure() throws Exception {
    java.util.function.Supplier<String> token = () -> Jwts.es256("r1", Jwts.claims("https://rotating.example", "tether-app",
        "rot-" + UUID.randomUUID(), 600), rotatingKey.getPrivate());
    assertThat(exchange(api, "rotating", token.get(), null).status()).isEqualTo(201);
    KeyPair old = rotatingKey;
    rotatingKey = Jwts.ecKeys();
    Thread.sleep(1_100); // auth.jwksRefetchSeconds: 1
    Response rotated = exchange(api, "rotating", token.get(), null);
    assertThat(rotated.status()).as("signed by the new key under the known kid: " + rotated.body()).isEqualTo(201);
    String byOldKey = Jwts.es256("r1", Jwts.claims("https://rotating.example", "tether-app", "rot-" + UUID.randomUUID(), 600),
        old.getPrivate());
    assertThat(exchange(api, "rotating", byOldKey, null).status()).as("the replaced key verifies nothing").isEqualTo(401);
  }

  @Test
  void appleTokensCarryTheHashOfTheNonceAndTheNonceIsChecked() throws Exception {
    String raw = "nonce-" + UUID.randomUUID();
    String hashed = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(raw.getBytes(StandardCharsets.UTF_8)));
    String subject = "001234." + UUID.randomUUID().toString().replace("-", "");
    JsonObject claims = Jwts.claims(APPLE, BUNDLE, subject, 600).put("nonce", hashed).put("nonce_supported", true)
        .put("email", "relay-" + UUID.randomUUID() + "@privaterelay.appleid.com").put("email_verified", "true")
        .put("is_private_email", "true");
    String token = Jwts.rs256("a1", claims, appleKey.getPrivate());

    Response missing = exchange(api, "apple", token, null);
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.json().getJsonObject("error").getString("message")).contains("nonce");
    Response wrong = exchange(api, "apple", token, "another nonce");
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(wrong.json().getJsonObject("error").getString("message")).contains("nonce");
    // Issue 32, item 14: whoever holds the token can read its claim; presenting it proves nothing.
    Response replayed = exchange(api, "apple", token, hashed);
    assertThat(replayed.status()).as("the claim itself is not the nonce").isEqualTo(401);
    Response right = exchange(api, "apple", token, raw);
    assertThat(right.status()).as(right.body()).isEqualTo(201);
    assertThat(api.send("GET", "/v1/me", right.json().getString("accessToken"), null).json().getBoolean("emailVerified")).isTrue();

    // Google puts the nonce itself in the token; a nonce sent for a token without one is refused.
    String g = "g-" + UUID.randomUUID();
    assertThat(exchange(api, "google", google(googleClaims(g, email()).put("nonce", raw)), raw).status()).isEqualTo(201);
    assertThat(exchange(api, "google", google(googleClaims(g, email())), raw).status()).isEqualTo(401);
  }

  @Test
  void aVouchedEmailLinksToTheAccountThatHasItAndAPasswordNobodyProvedIsDropped() {
    // Ann registered with a password and verified her address: Google with that address is Ann.
    String ann = email();
    Response registered = api.send("POST", "/v1/auth/register", null,
        new JsonObject().put("email", ann).put("password", "ann's own password").encode());
    Await.result(cluster.db().pool().preparedQuery("UPDATE users SET email_verified_at = now() WHERE email = $1").execute(Tuple.of(ann)));
    Response linked = exchange(api, "google", google(googleClaims("g-" + UUID.randomUUID(), ann)), null);
    assertThat(linked.status()).as(linked.body()).isEqualTo(200);
    assertThat(linked.json().getString("userId")).isEqualTo(registered.json().getString("userId"));
    assertThat(login(ann, "ann's own password")).isEqualTo(200);

    // Someone registered bob's address with a password and never proved it (account pre-hijacking).
    // When Google vouches that the address is Bob's, Bob gets the account and the squatter is out.
    String bob = email();
    Response squatter = api.send("POST", "/v1/auth/register", null,
        new JsonObject().put("email", bob).put("password", "the squatter's password").encode());
    Response bobIn = exchange(other, "google", google(googleClaims("g-" + UUID.randomUUID(), bob)), null);
    assertThat(bobIn.status()).isEqualTo(200);
    assertThat(bobIn.json().getString("userId")).isEqualTo(squatter.json().getString("userId"));
    assertThat(login(bob, "the squatter's password")).isEqualTo(401);
    assertThat(api.send("POST", "/v1/auth/refresh", null,
        new JsonObject().put("refreshToken", squatter.json().getString("refreshToken")).encode()).status()).isEqualTo(401);
  }

  private static int login(String email, String password) {
    return api.send("POST", "/v1/auth/login", null, new JsonObject().put("email", email).put("password", password).encode()).status();
  }

  @Test
  void anEmailTheProviderDoesNotVouchForLinksNothing() {
    String carl = email();
    api.send("POST", "/v1/auth/register", null, new JsonObject().put("email", carl).put("password", "carl's password").encode());
    JsonObject unvouched = Jwts.claims(CORP, "tether-app", "corp-" + UUID.randomUUID(), 600).put("email", carl)
        .put("email_verified", false);
    Response refused = exchange(api, "corp", Jwts.es256("c1", unvouched, corpKey.getPrivate()), null);
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.errorCode()).isEqualTo("conflict");
    assertThat(count("SELECT count(*) FROM identities WHERE email = $1", carl)).isZero();
    assertThat(login(carl, "carl's password")).isEqualTo(200);

    // An address nobody has, unvouched: a new user, without the address.
    JsonObject fresh = Jwts.claims(CORP, "tether-app", "corp-" + UUID.randomUUID(), 600).put("email", email());
    Response made = exchange(api, "corp", Jwts.es256("c1", fresh, corpKey.getPrivate()), null);
    assertThat(made.status()).as(made.body()).isEqualTo(201);
    JsonObject me = api.send("GET", "/v1/me", made.json().getString("accessToken"), null).json();
    assertThat(me.getValue("email")).isNull();
    assertThat(me.getBoolean("emailVerified")).isFalse();
  }

  @Test
  void tenFirstSignInsAtOnceMakeOneUser() {
    String subject = "g-" + UUID.randomUUID();
    String address = email();
    List<CompletableFuture<Response>> racing = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      ApiClient via = i % 2 == 0 ? api : other;
      racing.add(CompletableFuture.supplyAsync(() -> exchange(via, "google", google(googleClaims(subject, address)), null)));
    }
    List<Response> answers = racing.stream().map(CompletableFuture::join).toList();
    assertThat(answers).allSatisfy(r -> assertThat(r.status()).as(r.body()).isIn(200, 201));
    Set<String> users = answers.stream().map(r -> r.json().getString("userId")).collect(Collectors.toSet());
    assertThat(users).hasSize(1);
    assertThat(answers.stream().filter(r -> r.status() == 201)).hasSize(1);
    assertThat(count("SELECT count(*) FROM users WHERE email = $1", address)).isEqualTo(1);
    assertThat(count("SELECT count(*) FROM identities WHERE subject = $1", subject)).isEqualTo(1);
  }
}
