package io.tether.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.core.Principal;
import org.junit.jupiter.api.Test;

class VerifiedTokensTest {
  @Test
  void aVerifiedTokenIsKnownUntilItExpiresAndNeverPastIt() {
    VerifiedTokens tokens = new VerifiedTokens(10);
    Principal ann = new Principal("ann", 1_000);
    tokens.put("token-a", ann, 900);
    assertThat(tokens.get("token-a", 999)).isEqualTo(ann);
    assertThat(tokens.get("token-b", 999)).isNull();
    assertThat(tokens.get("token-a", 1_000)).as("expired").isNull();
    assertThat(tokens.size()).as("an expired entry is dropped when seen").isZero();
  }

  @Test
  void itNeverHoldsMoreThanItsBoundExpiredOnesGoFirst() {
    VerifiedTokens tokens = new VerifiedTokens(100);
    for (int i = 0; i < 99; i++) {
      tokens.put("old-" + i, new Principal("u" + i, 50), 0);
    }
    tokens.put("live", new Principal("live", 10_000), 0);
    tokens.put("new", new Principal("new", 10_000), 60); // full: the 99 expired ones go
    assertThat(tokens.size()).isEqualTo(2);
    for (int i = 0; i < 1_000; i++) {
      tokens.put("t-" + i, new Principal("u", 10_000), 60);
      assertThat(tokens.size()).isLessThanOrEqualTo(100);
    }
  }

  @Test
  void zeroEntriesVerifiesEveryTime() {
    VerifiedTokens tokens = new VerifiedTokens(0);
    tokens.put("token-a", new Principal("ann", 1_000), 0);
    assertThat(tokens.get("token-a", 1)).isNull();
  }
}
