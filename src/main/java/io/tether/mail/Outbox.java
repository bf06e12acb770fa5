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
 * on their way at a time per node; more are dropped and counted, not queued without bound.
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
  private final Occasionally warnings = new Occasionally(60_000);

  public Outbox(Mailer mailer, MailTemplates templates, int maxPending) {
    this.mailer = mailer;
    this.templates = templates;
    this.maxPending = maxPending;
  }

  /** Sends the message {@code name} to {@code to}; the future says how it went, and nobody need wait for it. */
  public Future<Void> post(String name, String to, Map<String, String> values) {
    if (pending.incrementAndGet() > maxPending) {
      pending.decrementAndGet();
      dropped.incrementAndGet();
      if (warnings.now()) {
        LOG.warn("Dropped an email: {} are already being sent (mail.maxPending)", maxPending);
      }
      return Future.failedFuture(new IllegalStateException("too many emails pending"));
    }
    Future<Void> sending;
    try {
      sending = mailer.send(templates.render(name, to, values));
    } catch (RuntimeException e) {
      sending = Future.failedFuture(e);
    }
    return sending.andThen(result -> {
      pending.decrementAndGet();
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

  public long sent() {
    return sent.get();
  }

  public long failed() {
    return failed.get();
  }

  public long dropped() {
    return dropped.get();
  }
}
