package io.tether.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PasswordHasherTest {
  private final PasswordHasher hasher = new PasswordHasher(1000);

  @Test
  void verifiesTheRightPasswordOnly() {
    String hash = hasher.hash("correct horse");
    assertThat(hash).startsWith("pbkdf2-sha256$1000$").doesNotContain("correct horse");
    assertThat(hasher.verify("correct horse", hash)).isTrue();
    assertThat(hasher.verify("correct horsE", hash)).isFalse();
  }

  @Test
  void saltsEveryHash() {
    assertThat(hasher.hash("same")).isNotEqualTo(hasher.hash("same"));
  }

  @Test
  void hashesKeepTheirOwnIterationCount() {
    String old = new PasswordHasher(2000).hash("pw");
    assertThat(hasher.verify("pw", old)).isTrue();
  }

  @Test
  void malformedStoredHashesNeverVerify() {
    assertThat(hasher.verify("pw", "")).isFalse();
    assertThat(hasher.verify("pw", "md5$abc")).isFalse();
    assertThat(hasher.verify("pw", "pbkdf2-sha256$x$y$z")).isFalse();
  }
}
