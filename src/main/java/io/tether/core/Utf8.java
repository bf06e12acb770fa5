package io.tether.core;

/** Sizes in the bytes that go on the wire, without encoding the text to find out. */
public final class Utf8 {
  private Utf8() {}

  /** How many bytes {@code text} takes in UTF-8 (a lone surrogate counts as the 3 bytes of U+FFFD, the most any encoder writes for it). */
  public static long length(CharSequence text) {
    long bytes = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        bytes++;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }
}
