package io.tether.suites.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.tether.support.ApiClient;
import io.tether.support.ApiClient.Response;
import io.tether.support.Await;
import io.tether.support.Ports;
import io.tether.support.TestCluster;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 19: password reset, email verification and invitation emails, sent over SMTP to a real
 * server (GreenMail, started here on a free port) by two nodes over Redis, and read back from it.
 */
class AccountEmailsIT {
  private static final String PUBLIC_URL = "https://sync.example.test";
  private static final Pattern CODE = Pattern.compile("(?m)^([A-Za-z0-9_-]{43})$");
  private static final String PASSWORD = "correct horse battery";

  private static GreenMail smtp;
  private static TestCluster cluster;
  private static ApiClient api;
  private static ApiClient other;

  @BeforeAll
  static void start() {
    smtp = new GreenMail(new ServerSetup(Ports.free(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    smtp.start();
    cluster = TestCluster.nodes(2, new JsonObject()
        .put("server", new JsonObject().put("publicUrl", PUBLIC_URL))
        .put("limits", new JsonObject().put("emailsPerAddressPerHour", 3))
        .put("mail", new JsonObject().put("host", "127.0.0.1").put("port", smtp.getSmtp().getPort())
            .put("security", "none").put("from", "Groceries <no-reply@example.test>").put("appName", "Groceries")));
    api = cluster.api(0);
    other = cluster.api(1);
  }

  @AfterAll
  static void stop() {
    cluster.close();
    smtp.stop();
  }

  private record Signup(String email, String userId, String accessToken, String refreshToken) {}

  private static Signup signUp() {
    String email = "ann-" + UUID.randomUUID() + "@example.test";
    Response r = api.send("POST", "/v1/auth/register", null, new JsonObject().put("email", email).put("password", PASSWORD).encode());
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return new Signup(email, r.json().getString("userId"), r.json().getString("accessToken"), r.json().getString("refreshToken"));
  }

  private static Response requestReset(ApiClient via, String email) {
    return via.send("POST", "/v1/auth/password-reset", null, new JsonObject().put("email", email).encode());
  }

  private static Response confirm(String code, String password) {
    return other.send("POST", "/v1/auth/password-reset/confirm", null,
        new JsonObject().put("code", code).put("password", password).put("device", "Ann's phone").encode());
  }

  private static Response login(String email, String password) {
    return api.send("POST", "/v1/auth/login", null, new JsonObject().put("email", email).put("password", password).encode());
  }

  /** The messages GreenMail has received for {@code to}, waiting up to 10 s for {@code count} of them. */
  private static List<MimeMessage> mailTo(String to, int count) throws Exception {
    long deadline = System.currentTimeMillis() + 10_000;
    while (true) {
      List<MimeMessage> found = new ArrayList<>();
      for (MimeMessage message : smtp.getReceivedMessages()) {
        if (Arrays.stream(message.getAllRecipients()).anyMatch(a -> a.toString().equalsIgnoreCase(to))) {
          found.add(message);
        }
      }
      if (found.size() >= count || System.currentTimeMillis() > deadline) {
        return found;
      }
      Thread.sleep(50);
    }
  }

  private static String plainText(Part part) throws Exception {
    if (part.isMimeType("text/plain")) {
      return (String) part.getContent();
    }
    if (part.getContent() instanceof Multipart multipart) {
      for (int i = 0; i < multipart.getCount(); i++) {
        BodyPart child = multipart.getBodyPart(i);
        String text = plainText(child);
        if (text != null) {
          return text;
        }
      }
    }
    return null;
  }

  private static String htmlOf(Part part) throws Exception {
    if (part.isMimeType("text/html")) {
      return (String) part.getContent();
    }
    if (part.getContent() instanceof Multipart multipart) {
      for (int i = 0; i < multipart.getCount(); i++) {
        String html = htmlOf(multipart.getBodyPart(i));
        if (html != null) {
          return html;
        }
      }
    }
    return null;
  }

  private static String codeIn(MimeMessage message) throws Exception {
    Matcher found = CODE.matcher(plainText(message).replace("\r\n", "\n"));
    assertThat(found.find()).as("a code in " + plainText(message)).isTrue();
    return found.group(1);
  }

  private static long count(String sql, Object... args) {
    return Await.result(cluster.db().pool().preparedQuery(sql).execute(Tuple.from(args))).iterator().next().getLong(0);
  }

  @Test
  void aResetCodeArrivesByEmailWorksOnceSignsInAndEndsEveryOtherSession() throws Exception {
    Signup ann = signUp();
    Response asked = requestReset(api, ann.email().toUpperCase());
    assertThat(asked.status()).as(asked.body()).isEqualTo(202);

    MimeMessage message = mailTo(ann.email(), 1).get(0);
    assertThat(message.getSubject()).isEqualTo("Reset your Groceries password");
    assertThat(message.getFrom()[0].toString()).contains("no-reply@example.test");
    String code = codeIn(message);
    String text = plainText(message);
    assertThat(text).contains(PUBLIC_URL + "/demo/#reset=" + code).contains("30 minutes").contains(ann.email());
    assertThat(htmlOf(message)).contains("href=\"" + PUBLIC_URL + "/demo/#reset=" + code + "\"");

    // Kept as its SHA-256 only: no row holds the code itself.
    byte[] hash = MessageDigest.getInstance("SHA-256").digest(code.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    assertThat(count("SELECT count(*) FROM email_codes WHERE code_hash = $1 AND user_id = $2 AND purpose = 'reset'",
        hash, ann.userId())).isEqualTo(1);
    assertThat(count("SELECT count(*) FROM email_codes WHERE position($1 in encode(code_hash, 'escape')) > 0", code)).isZero();

    // A password too short is refused before the code is spent.
    Response tooShort = confirm(code, "short");
    assertThat(tooShort.status()).isEqualTo(400);
    assertThat(tooShort.errorCode()).isEqualTo("bad_request");

    Response reset = confirm(code, "a brand new password");
    assertThat(reset.status()).as(reset.body()).isEqualTo(200);
    assertThat(reset.json().getString("userId")).isEqualTo(ann.userId());
    assertThat(reset.json().getString("accessToken")).isNotBlank();

    // Used twice: refused, and says so.
    Response again = confirm(code, "yet another password");
    assertThat(again.status()).isEqualTo(410);
    assertThat(again.errorCode()).isEqualTo("code_used");
    assertThat(again.json().getJsonObject("error").getString("message")).contains("once");

    // The old password and the sign-in from before the reset are over; the new password works.
    assertThat(login(ann.email(), PASSWORD).status()).isEqualTo(401);
    assertThat(login(ann.email(), "a brand new password").status()).isEqualTo(200);
    assertThat(login(ann.email(), "yet another password").status()).isEqualTo(401);
    Response oldRefresh = api.send("POST", "/v1/auth/refresh", null,
        new JsonObject().put("refreshToken", ann.refreshToken()).encode());
    assertThat(oldRefresh.status()).isEqualTo(401);
    Response sessions = api.send("GET", "/v1/me/sessions", reset.json().getString("accessToken"), null);
    assertThat(sessions.json().getJsonArray("sessions")).hasSize(2);
    assertThat(sessions.json().getJsonArray("sessions").stream().map(s -> ((JsonObject) s).getString("label")))
        .contains("Ann's phone");

    // A reset proves the address: the account counts as verified now.
    assertThat(api.send("GET", "/v1/me", reset.json().getString("accessToken"), null).json().getBoolean("emailVerified"))
        .isTrue();
  }

  @Test
  void anUnknownAddressGetsTheSameAnswerAndNoEmail() throws Exception {
    Signup known = signUp();
    String unknown = "nobody-" + UUID.randomUUID() + "@example.test";
    Response forUnknown = requestReset(api, unknown);
    Response forKnown = requestReset(other, known.email());
    assertThat(forUnknown.status()).isEqualTo(202);
    assertThat(forKnown.status()).isEqualTo(202);
    assertThat(forUnknown.body()).isEqualTo(forKnown.body());
    assertThat(mailTo(known.email(), 1)).hasSize(1);
    // The unknown request went first; had it sent anything, it would be here by now.
    assertThat(mailTo(unknown, 0)).isEmpty();
    assertThat(count("SELECT count(*) FROM email_codes WHERE email = $1", unknown)).isZero();

    // The per-address limit counts unknown addresses too (3 an hour here), so a 429 tells nothing either.
    assertThat(requestReset(api, unknown).status()).isEqualTo(202);
    assertThat(requestReset(other, unknown).status()).isEqualTo(202);
    Response limited = requestReset(api, unknown);
    assertThat(limited.status()).isEqualTo(429);
    assertThat(limited.errorCode()).isEqualTo("rate_limited");
  }

  @Test
  void expiredUnknownMalformedAndSupersededCodesAreRefusedWithTheirReason() throws Exception {
    Signup ann = signUp();
    requestReset(api, ann.email());
    requestReset(api, ann.email());
    List<MimeMessage> two = mailTo(ann.email(), 2);
    assertThat(two).hasSize(2);
    String first = codeIn(two.get(0));
    String second = codeIn(two.get(1));
    assertThat(first).isNotEqualTo(second);

    // Expire one of them in the database: refused as expired.
    Await.result(cluster.db().pool().preparedQuery(
        "UPDATE email_codes SET expires_at = now() - interval '1 minute' WHERE user_id = $1 AND code_hash = sha256(convert_to($2, 'UTF8'))")
        .execute(Tuple.of(ann.userId(), second)));
    Response expired = confirm(second, "a brand new password");
    assertThat(expired.status()).isEqualTo(410);
    assertThat(expired.errorCode()).isEqualTo("code_expired");

    // The other works, once; and using it ends every other code the account had.
    assertThat(confirm(first, "a brand new password").status()).isEqualTo(200);
    assertThat(count("SELECT count(*) FROM email_codes WHERE user_id = $1 AND used_at IS NULL", ann.userId())).isZero();

    for (String bad : new String[] {"x".repeat(43), "short", "!".repeat(43), "x".repeat(10_000)}) {
      Response refused = confirm(bad, "a brand new password");
      assertThat(refused.status()).as(bad).isEqualTo(404);
      assertThat(refused.errorCode()).isEqualTo("not_found");
    }
    Response notText = other.send("POST", "/v1/auth/password-reset/confirm", null, "{\"code\":42,\"password\":\"x\"}");
    assertThat(notText.status()).isEqualTo(400);
    for (String body : new String[] {"{}", "{\"email\":42}", "{\"email\":\"" + "a".repeat(300) + "@x.test\"}", "[1]"}) {
      Response refused = api.send("POST", "/v1/auth/password-reset", null, body);
      assertThat(refused.status()).as(body).isEqualTo(400);
      assertThat(refused.errorCode()).isEqualTo("bad_request");
    }
  }

  @Test
  void anAddressIsVerifiedByTheCodeSentToIt() throws Exception {
    Signup ann = signUp();
    assertThat(api.send("GET", "/v1/me", ann.accessToken(), null).json().getBoolean("emailVerified")).isFalse();
    assertThat(api.send("POST", "/v1/me/verify-email", null, null).status()).isEqualTo(401);

    Response asked = api.send("POST", "/v1/me/verify-email", ann.accessToken(), null);
    assertThat(asked.status()).as(asked.body()).isEqualTo(202);
    MimeMessage message = mailTo(ann.email(), 1).get(0);
    assertThat(message.getSubject()).isEqualTo("Confirm your email for Groceries");
    String code = codeIn(message);
    assertThat(plainText(message)).contains(PUBLIC_URL + "/demo/#verify=" + code).contains("48 hours");

    // A verification code is no reset code.
    assertThat(confirm(code, "a brand new password").status()).isEqualTo(404);

    Response verified = other.send("POST", "/v1/auth/verify-email", null, new JsonObject().put("code", code).encode());
    assertThat(verified.status()).as(verified.body()).isEqualTo(200);
    assertThat(verified.json()).isEqualTo(new JsonObject().put("email", ann.email()).put("emailVerified", true));
    assertThat(api.send("GET", "/v1/me", ann.accessToken(), null).json().getBoolean("emailVerified")).isTrue();

    Response twice = other.send("POST", "/v1/auth/verify-email", null, new JsonObject().put("code", code).encode());
    assertThat(twice.status()).isEqualTo(410);
    assertThat(twice.errorCode()).isEqualTo("code_used");
    Response already = api.send("POST", "/v1/me/verify-email", ann.accessToken(), null);
    assertThat(already.status()).isEqualTo(409);
    assertThat(already.errorCode()).isEqualTo("conflict");
    // The password still works: verifying changes nothing else.
    assertThat(login(ann.email(), PASSWORD).status()).isEqualTo(200);
  }

  @Test
  void anInvitationForAnAddressIsEmailedWithItsLinkAndTheNamesOfSpaceAndInviter() throws Exception {
    Signup ann = signUp();
    api.send("PATCH", "/v1/me", ann.accessToken(), new JsonObject().put("displayName", "Ann <b>").encode());
    String space = api.send("POST", "/v1/spaces", ann.accessToken(), new JsonObject().put("name", "Groceries & more").encode())
        .json().getString("id");
    String bobEmail = "bob-" + UUID.randomUUID() + "@example.test";
    Response invite = api.send("POST", "/v1/spaces/" + space + "/invites", ann.accessToken(),
        new JsonObject().put("role", "writer").put("email", bobEmail).put("expiresInHours", 24).encode());
    assertThat(invite.status()).as(invite.body()).isEqualTo(201);
    assertThat(invite.json().getBoolean("emailed")).isTrue();
    String code = invite.json().getString("code");

    MimeMessage message = mailTo(bobEmail, 1).get(0);
    assertThat(message.getSubject()).isEqualTo("Ann <b> invited you to Groceries & more on Groceries");
    assertThat(plainText(message)).contains(PUBLIC_URL + "/demo/#invite=" + code).contains("as a writer")
        .contains("24 hours");

    // Bob signs up with that address and accepts by the code in his email.
    Response bob = api.send("POST", "/v1/auth/register", null, new JsonObject().put("email", bobEmail).put("password", PASSWORD).encode());
    Matcher emailed = Pattern.compile("#invite=([A-Za-z0-9_-]{43})").matcher(plainText(message));
    assertThat(emailed.find()).isTrue();
    String bobToken = bob.json().getString("accessToken");
    assertThat(other.send("POST", "/v1/invites/" + emailed.group(1) + "/accept", bobToken, null).status())
        .as("an invite for an address needs that address verified").isEqualTo(403);
    assertThat(api.send("POST", "/v1/me/verify-email", bobToken, null).status()).isEqualTo(202);
    String verification = codeIn(mailTo(bobEmail, 2).get(1));
    assertThat(other.send("POST", "/v1/auth/verify-email", null, new JsonObject().put("code", verification).encode()).status())
        .isEqualTo(200);
    Response accepted = other.send("POST", "/v1/invites/" + emailed.group(1) + "/accept", bob.json().getString("accessToken"), null);
    assertThat(accepted.status()).as(accepted.body()).isEqualTo(200);
    assertThat(accepted.json().getString("role")).isEqualTo("writer");

    // A link invite (no address) sends nothing.
    Response link = api.send("POST", "/v1/spaces/" + space + "/invites", ann.accessToken(),
        new JsonObject().put("role", "reader").encode());
    assertThat(link.json().getBoolean("emailed")).isFalse();

    // An owner cannot make the server mail a stranger without bound: her budget for the address (3
    // here) has one email spent, so two more go and the fourth invite is made but not emailed. (Bob's
    // own verification email counted against his budget, not hers.)
    for (int i = 0; i < 3; i++) {
      Response more = api.send("POST", "/v1/spaces/" + space + "/invites", ann.accessToken(),
          new JsonObject().put("role", "reader").put("email", bobEmail).encode());
      assertThat(more.status()).isEqualTo(201);
      assertThat(more.json().getBoolean("emailed")).as("invite %d", i + 2).isEqualTo(i < 2);
    }
    assertThat(mailTo(bobEmail, 4)).as("3 invitations and bob's verification").hasSize(4);
  }
}
