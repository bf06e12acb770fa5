/**
 * Email: templates an operator can replace ({@link io.tether.mail.MailTemplates}), the ways a message
 * leaves ({@link io.tether.mail.Mailer}: SMTP, or the log in development) and the bounded
 * {@link io.tether.mail.Outbox} that sends without making a request wait.
 */
package io.tether.mail;
