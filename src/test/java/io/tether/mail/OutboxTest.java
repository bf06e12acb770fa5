package io.tether.mail;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OutboxTest {
  /** A mailer whose sends stay pending until the test settles them. */
  private static final class HeldMailer implements Mailer {
    final List<Promise<Void>> held = new ArrayList<>();
    final List<Email> seen = new ArrayList<>();

    @Override
    public Future<Void> send(Email email) {
      seen.add(email);
      Promise<Void> promise = Promise.promise();
      held.add(promise);
      return promise.future();
    }

    @Override
    public Future<Void> close() {
      return Future.succeededFuture();
    }
  }

  private static final Map<String, String> VALUES = Map.of("appName", "G", "email", "a@b.test", "code", "c", "link", "l",
      "minutes", "30");

  @Test
  void atMostMaxPendingAreOnTheirWayMoreAreDroppedAndCountedAndFailuresAreCounted() {
    HeldMailer mailer = new HeldMailer();
    Outbox outbox = new Outbox(mailer, MailTemplates.load(null), 2);
    Future<Void> first = outbox.post("password-reset", "a@b.test", VALUES);
    Future<Void> second = outbox.post("password-reset", "a@b.test", VALUES);
    assertThat(outbox.full()).as("a reset request is answered 503 now, not 202 and dropped").isTrue();
    Future<Void> third = outbox.post("password-reset", "a@b.test", VALUES);
    assertThat(third.failed()).isTrue();
    assertThat(outbox.dropped()).isEqualTo(1);
    assertThat(mailer.seen).hasSize(2);

    mailer.held.get(0).complete();
    mailer.held.get(1).fail("550 mailbox unavailable");
    assertThat(first.succeeded()).isTrue();
    assertThat(second.failed()).isTrue();
    assertThat(outbox.sent()).isEqualTo(1);
    assertThat(outbox.failed()).isEqualTo(1);
    // Room again once those settled.
    assertThat(outbox.full()).isFalse();
    assertThat(outbox.post("password-reset", "a@b.test", VALUES).failed()).isFalse();
  }

  /** Issue 32, item 5: a flood of invitations leaves room for password resets. */
  @Test
  void invitationsFillAtMostHalfTheOutboxSoResetsAlwaysHaveRoom() {
    HeldMailer mailer = new HeldMailer();
    Outbox outbox = new Outbox(mailer, MailTemplates.load(null), 4);
    Map<String, String> invite = Map.of("appName", "G", "email", "a@b.test", "code", "c", "link", "l", "space", "s",
        "inviter", "i", "role", "writer", "hours", "48");
    assertThat(outbox.postBulk("invite", "x1@b.test", invite).failed()).isFalse();
    assertThat(outbox.postBulk("invite", "x2@b.test", invite).failed()).isFalse();
    assertThat(outbox.postBulk("invite", "x3@b.test", invite).failed()).as("the invitation lane is full").isTrue();
    assertThat(outbox.bulkDropped()).isEqualTo(1);
    assertThat(outbox.post("password-reset", "a@b.test", VALUES).failed()).isFalse();
    assertThat(outbox.post("password-reset", "a@b.test", VALUES).failed()).isFalse();
    assertThat(outbox.dropped()).as("no reset was dropped").isZero();
    mailer.held.get(0).complete();
    assertThat(outbox.postBulk("invite", "x4@b.test", invite).failed()).as("room in the lane again").isFalse();
  }

  @Test
  void aMessageThatCannotBeRenderedFailsItsFutureAndFreesItsPlace() {
    Outbox outbox = new Outbox(new HeldMailer(), MailTemplates.load(null), 1);
    assertThat(outbox.post("no-such-message", "a@b.test", VALUES).failed()).isTrue();
    assertThat(outbox.failed()).isEqualTo(1);
    assertThat(outbox.post("password-reset", "a@b.test", VALUES).failed()).isFalse();
  }
}
