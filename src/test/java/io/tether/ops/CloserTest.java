package io.tether.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CloserTest {

  @Test
  void closesLastBuiltFirstAndGoesOnPastAFailure() {
    Closer closer = new Closer();
    List<String> closed = new ArrayList<>();
    String pool = closer.register("pool", "pool", r -> {
      closed.add(r);
      return Future.succeededFuture();
    });
    closer.register("bus", "bus", r -> {
      closed.add(r);
      return Future.failedFuture("Redis went away");
    });
    closer.registerSync("timer", "timer", closed::add);
    closer.register("throws", "throws", r -> {
      closed.add(r);
      throw new IllegalStateException("already closed");
    });
    assertThat(pool).isEqualTo("pool");
    assertThat(closer.pending()).containsExactly("throws", "timer", "bus", "pool");

    assertThat(closer.close().succeeded()).isTrue();
    assertThat(closed).containsExactly("throws", "timer", "bus", "pool");
    assertThat(closer.pending()).isEmpty();

    assertThat(closer.close().succeeded()).as("a second stop closes nothing twice").isTrue();
    assertThat(closed).hasSize(4);
  }
}
