package io.tether.mail;

import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Development without an SMTP server: each message is written to the log, so a reset or a
 * verification can be tried on a laptop. Never used in production (the codes are in the text).
 */
public final class LogMailer implements Mailer {
  private static final Logger LOG = LoggerFactory.getLogger(LogMailer.class);

  @Override
  public Future<Void> send(Email email) {
    LOG.info("Email (development: mail.host is unset, so it is logged, not sent) to {}: {}\n{}", email.to(),
        email.subject(), email.text());
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }
}
