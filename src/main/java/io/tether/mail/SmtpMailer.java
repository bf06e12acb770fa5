package io.tether.mail;

import io.tether.config.TetherConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.mail.LoginOption;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.StartTLSOptions;

/** Sends through the configured SMTP server with Vert.x's mail client (pooled connections, no threads of its own). */
public final class SmtpMailer implements Mailer {
  private final MailClient client;
  private final String from;

  public SmtpMailer(Vertx vertx, TetherConfig.Mail mail) {
    MailConfig config = new MailConfig()
        .setHostname(mail.host())
        .setPort(mail.port())
        .setSsl(mail.security().equals("tls"))
        .setStarttls(switch (mail.security()) {
          case "starttls" -> StartTLSOptions.REQUIRED;
          case "optional" -> StartTLSOptions.OPTIONAL;
          default -> StartTLSOptions.DISABLED;
        })
        .setMaxPoolSize(mail.maxConnections())
        .setConnectTimeout(10_000)
        .setKeepAlive(true);
    if (mail.username() != null) {
      config.setUsername(mail.username()).setPassword(mail.password()).setLogin(LoginOption.REQUIRED);
    } else {
      config.setLogin(LoginOption.DISABLED);
    }
    this.client = MailClient.create(vertx, config);
    this.from = mail.from();
  }

  @Override
  public Future<Void> send(Email email) {
    MailMessage message = new MailMessage().setFrom(from).setTo(email.to()).setSubject(email.subject()).setText(email.text());
    if (email.html() != null) {
      message.setHtml(email.html());
    }
    return client.sendMail(message).mapEmpty();
  }

  @Override
  public Future<Void> close() {
    return client.close();
  }
}
