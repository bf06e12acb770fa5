package io.tether.mail;

import io.vertx.core.Future;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import io.tether.ops.Occasionally;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renders and sends messages without a request waiting on SMTP: a reset request answers at once,
 * known email or not, and a slow mail server slows no one. At most {@code maxPending} messages are
 * on their way at a time per node; more are dropped and counted, not queued without bound. Invitations
 * travel in a lane of their own, at most half of that, so transactional emails always have room.
 */
public final class Outbox {
  private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);

  private final Mailer mailer;
  private final MailTemplates templates;
  private final int maxPending;
  private final AtomicInteger pending = new AtomicInteger();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicInteger bulkPending = new AtomicInteger();
  private final AtomicLong bulkDropped = new AtomicLong();
  private final Occasionally warnings = new Occasionally(60_000);

  public Outbox(Mailer mailer, MailTemplates templates, int maxPending) {
    this.mailer = mailer;
    this.templates = templates;
    this.maxPending = maxPending;
  }

  /** Sends the message {@code name} to {@code to}; the future says how it went, and nobody need wait for it. */
  public Future<Void> post(String name, String to, Map<String, String> values) {
    return post(name, to, values, false);
  }

  /**
   * The same for a message users make others receive (an invitation): such messages may fill at most
   * half of {@code maxPending}, so a flood of them never crowds out a password reset.
   */
  public Future<Void> postBulk(String name, String to, Map<String, String> values) {
    return post(name, to, values, true);
  }

  private Future<Void> post(String name, String to, Map<String, String> values, boolean bulk) {
    if (bulk && bulkPending.incrementAndGet() > Math.max(1, maxPending / 2)) {
      bulkPending.decrementAndGet();
      return drop(bulkDropped, "invitation lane (half of mail.maxPending)");
    }
    if (pending.incrementAndGet() > maxPending) {
      pending.decrementAndGet();
      if (bulk) {
        bulkPending.decrementAndGet();
      }
      return drop(bulk ? bulkDropped : dropped, "mail.maxPending");
    }
    Future<Void> sending;
    try {
      sending = mailer.send(templates.render(name, to, values));
    } catch (RuntimeException e) {
      sending = Future.failedFuture(e);
    }
    return sending.andThen(result -> {
      pending.decrementAndGet();
      if (bulk) {
        bulkPending.decrementAndGet();
      }
      if (result.succeeded()) {
        sent.incrementAndGet();
      } else {
        failed.incrementAndGet();
        if (warnings.now()) {
          LOG.warn("Could not send a {} email: {}", name, result.cause().toString());
        }
      }
    });
  }

  /** Whether a transactional email posted now would be dropped: every place is taken. */
  public boolean full() {
    return pending.get() >= maxPending;
  }

  public long sent() {
    return sent.get();
  }

  public long failed() {
    return failed.get();
  }

  /** Transactional emails (resets, verifications) dropped because the outbox was full. */
  public long dropped() {
    return dropped.get();
  }

  /** Invitations dropped because their lane was full. */
  public long bulkDropped() {
    return bulkDropped.get();
  }

  private Future<Void> drop(AtomicLong counter, String full) {
    counter.incrementAndGet();
    if (warnings.now()) {
      LOG.warn("Dropped an email: its lane is full ({})", full);
    }
    return Future.failedFuture(new IllegalStateException("too many emails pending"));
  }
}
