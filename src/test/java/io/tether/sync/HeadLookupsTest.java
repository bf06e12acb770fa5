package io.tether.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.core.SpaceInfo;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HeadLookupsTest {
  /** A change log whose head lookups answer when the test says. */
  private static final class SlowHeads extends InMemoryChangeLog {
    final List<Promise<Optional<SpaceInfo>>> asked = new ArrayList<>();

    @Override
    public synchronized Future<Optional<SpaceInfo>> head(String space) {
      Promise<Optional<SpaceInfo>> p = Promise.promise();
      asked.add(p);
      return p.future();
    }
  }

  @Test
  void overlappingLookupsOfOneSpaceShareOneQueryAndALaterOneAsksAgain() {
    SlowHeads log = new SlowHeads();
    HeadLookups heads = new HeadLookups(log);
    List<Future<Optional<SpaceInfo>>> storm = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      storm.add(heads.head("team"));
    }
    Future<Optional<SpaceInfo>> other = heads.head("other");
    assertThat(log.asked).as("one query per space").hasSize(2);

    SpaceInfo info = new SpaceInfo("team", 7, "e1", 1);
    log.asked.get(0).complete(Optional.of(info));
    assertThat(storm).allSatisfy(f -> assertThat(f.result()).contains(info));
    assertThat(other.isComplete()).isFalse();
    assertThat(heads.inFlight()).isEqualTo(1);

    heads.head("team");
    assertThat(log.asked).as("a lookup after the answer asks again").hasSize(3);
  }

  @Test
  void aFailedLookupIsNotKept() {
    SlowHeads log = new SlowHeads();
    HeadLookups heads = new HeadLookups(log);
    Future<Optional<SpaceInfo>> first = heads.head("team");
    log.asked.get(0).fail("pool busy");
    assertThat(first.failed()).isTrue();
    heads.head("team");
    assertThat(log.asked).hasSize(2);
  }
}
