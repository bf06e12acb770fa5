package io.tether.mail;

/** One message to one address: a subject, a plain-text body and, when the template has one, HTML. */
public record Email(String to, String subject, String text, String html) {
  public Email {
    // A subject is a header: a line break in it would let a value start headers of its own.
    if (subject.indexOf('\r') >= 0 || subject.indexOf('\n') >= 0 || to.indexOf('\r') >= 0 || to.indexOf('\n') >= 0) {
      throw new IllegalArgumentException("line breaks in a header");
    }
  }
}
