package io.tether.core;

/**
 * A write's expectation about the document's current state: none, a version ({@code If-Match},
 * {@code baseVersion}), absence ({@code If-None-Match: *}, create only) or presence ({@code If-Match: *}).
 */
public record Precondition(Kind kind, long version) {
  /** Which expectation. */
  public enum Kind { NONE, VERSION, ABSENT, PRESENT }

  public static final Precondition NONE = new Precondition(Kind.NONE, 0);
  public static final Precondition ABSENT = new Precondition(Kind.ABSENT, 0);
  public static final Precondition PRESENT = new Precondition(Kind.PRESENT, 0);

  public static Precondition version(long version) {
    return new Precondition(Kind.VERSION, version);
  }

  /** Whether a document in this state (null when it never existed) satisfies the expectation. */
  public boolean holdsFor(Document current) {
    return switch (kind) {
      case NONE -> true;
      case VERSION -> current != null && current.version() == version;
      case ABSENT -> current == null || current.deleted();
      case PRESENT -> current != null && !current.deleted();
    };
  }
}
