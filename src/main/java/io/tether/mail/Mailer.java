package io.tether.mail;

import io.vertx.core.Future;

/** Where a rendered message goes: an SMTP server, or (development without one) the log. */
public interface Mailer {
  /** Succeeds once the message is handed on (the SMTP server accepted it). */
  Future<Void> send(Email email);

  Future<Void> close();
}
