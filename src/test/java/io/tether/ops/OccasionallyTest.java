package io.tether.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.support.Await;
import org.junit.jupiter.api.Test;

class OccasionallyTest {
  @Test
  void letsOneThroughPerInterval() {
    Occasionally occasionally = new Occasionally(200);
    assertThat(occasionally.now()).isTrue();
    assertThat(occasionally.now()).isFalse();
    assertThat(occasionally.now()).isFalse();
    Await.sleep(250);
    assertThat(occasionally.now()).isTrue();
    assertThat(occasionally.now()).isFalse();
  }
}
