package io.tether.suites.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.tether.support.ApiClient;
import io.tether.support.ApiClient.Account;
import io.tether.support.ApiClient.Response;
import io.tether.support.Await;
import io.tether.support.Ports;
import io.tether.support.TestCluster;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 32, items 5, 9 and 11: what one account or one address can make Tether email, and how many
 * passwords one account can be tried with. A real SMTP server (GreenMail); clients told apart by
 * X-Forwarded-For from a trusted proxy, as behind a load balancer.
 */
class EmailBudgetsIT {
  private static GreenMail smtp;
  private static TestCluster cluster;
  private static ApiClient api;

  @BeforeAll
  static void start() {
    smtp = new GreenMail(new ServerSetup(Ports.free(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    smtp.start();
    cluster = TestCluster.single(new JsonObject()
        .put("http", new JsonObject().put("trustedProxies", "127.0.0.1"))
        .put("limits", new JsonObject().put("emailsPerAddressPerHour", 2).put("inviteEmailsPerSenderPerHour", 3)
            .put("loginAttemptsPerMinute", 4))
        .put("mail", new JsonObject().put("host", "127.0.0.1").put("port", smtp.getSmtp().getPort())
            .put("security", "none").put("from", "Tether <no-reply@example.test>")));
    api = cluster.api();
  }

  @AfterAll
  static void stop() {
    cluster.close();
    smtp.stop();
  }

  private static long mailsTo(String address) {
    return java.util.Arrays.stream(smtp.getReceivedMessages()).filter(m -> {
      try {
        return m.getAllRecipients()[0].toString().equals(address);
      } catch (jakarta.mail.MessagingException e) {
        return false;
      }
    }).count();
  }

  @Test
  void someoneElseAskingForResetsCannotUseUpTheOwnersOwn() {
    String victim = "victim-" + UUID.randomUUID() + "@example.test";
    api.send("POST", "/v1/auth/register", null, new JsonObject().put("email", victim).put("password", "correct horse battery").encode());
    for (int i = 0; i < 2; i++) {
      assertThat(api.send("POST", "/v1/auth/password-reset", null, new JsonObject().put("email", victim).encode(),
          "X-Forwarded-For", "203.0.113.7").status()).isEqualTo(202);
    }
    assertThat(api.send("POST", "/v1/auth/password-reset", null, new JsonObject().put("email", victim).encode(),
        "X-Forwarded-For", "203.0.113.7").status()).as("the stranger's own budget is spent").isEqualTo(429);
    Response owner = api.send("POST", "/v1/auth/password-reset", null, new JsonObject().put("email", victim).encode(),
        "X-Forwarded-For", "198.51.100.9");
    assertThat(owner.status()).as("the owner, from elsewhere, still gets a reset").isEqualTo(202);
    Await.until("three reset emails", 10, () -> mailsTo(victim) == 3);
  }

  @Test
  void oneSenderMailsAtMostItsBudgetOfInvitationsAndTheAnswerSaysSo() {
    Account ann = api.register();
    String space = "inv-" + UUID.randomUUID().toString().substring(0, 8);
    api.createSpace(ann, space);
    int emailed = 0;
    for (int i = 0; i < 5; i++) {
      Response made = api.send("POST", "/v1/spaces/" + space + "/invites", ann.token(), new JsonObject().put("role", "reader")
          .put("email", "stranger-" + i + "-" + UUID.randomUUID() + "@example.test").encode());
      assertThat(made.status()).as(made.body()).isEqualTo(201);
      emailed += made.json().getBoolean("emailed") ? 1 : 0;
    }
    assertThat(emailed).as("limits.inviteEmailsPerSenderPerHour").isEqualTo(3);
  }

  @Test
  void passwordGuessesAgainstOneAccountAreLimitedWhateverAddressTheyComeFrom() {
    Account ann = api.register();
    int refused = 0;
    for (int i = 0; i < 12; i++) {
      Response r = api.send("POST", "/v1/me/password", ann.token(),
          new JsonObject().put("currentPassword", "guess-" + i).put("newPassword", "another horse battery").encode(),
          "X-Forwarded-For", "192.0.2." + (i + 1));
      assertThat(r.status()).isIn(401, 403, 429);
      refused += r.status() == 429 ? 1 : 0;
    }
    assertThat(refused).as("12 guesses from 12 addresses, 4 a minute allowed per account").isGreaterThanOrEqualTo(7);
  }
}
