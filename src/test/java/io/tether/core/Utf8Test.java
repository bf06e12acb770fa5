package io.tether.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Utf8Test {
  @Test
  void countsWhatTheEncoderWrites() {
    for (String text : new String[] {"", "plain", "café", "€uro", "日本語", "emoji 😀 and 𝄞", "mixed é€😀x"}) {
      assertThat(Utf8.length(text)).as(text).isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
    }
  }

  @Test
  void aLoneSurrogateIsNeverCountedShortOfWhatAnEncoderWritesForIt() {
    // Java writes "?" for it, others U+FFFD (3 bytes): a bound must hold for both.
    assertThat(Utf8.length("a\uD800b")).isEqualTo(5).isGreaterThanOrEqualTo("a\uD800b".getBytes(StandardCharsets.UTF_8).length);
  }
}
