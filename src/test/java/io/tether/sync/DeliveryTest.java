package io.tether.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.bus.LocalChangeBus;
import io.tether.core.Change;
import io.tether.ops.Metrics;
import io.tether.support.Await;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The delivery classes driven without sockets: a fake transport, the real local bus used to lose,
 * reorder and duplicate messages on purpose, and a change log in memory.
 */
class DeliveryTest {
  private static final String SPACE = "s";

  private Vertx vertx;
  private Context context;
  private LocalChangeBus bus;
  private InMemoryChangeLog log;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    bus = new LocalChangeBus(vertx);
    log = new InMemoryChangeLog();
  }

  @AfterEach
  void tearDown() {
    Await.result(vertx.close());
  }

  @Test
  void lostReorderedAndDuplicatedMessagesStillArriveOnceInOrder() throws Exception {
    SpaceFeed feed = onContext(() -> new SpaceFeed(SPACE, vertx, bus, log, Metrics.discarding(), 3, 20));
    Await.result(onContextFuture(feed::start));
    List<Long> received = new CopyOnWriteArrayList<>();
    onContext(() -> {
      feed.add(new SpaceFeed.Receiver() {
        @Override
        public void onLive(io.tether.core.ChangeFrame frame) {
          received.add(frame.seq());
        }

        @Override
        public String userId() {
          return "user";
        }

        @Override
        public void revoke() {
        }

        @Override
        public void spaceDeleted() {
        }
      });
      return null;
    });
    List<Change> committed = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      committed.add(log.commit(SPACE));
    }
    // 4, 6 and 8 are lost, the rest arrive out of order and some twice.
    for (int index : new int[] {2, 0, 1, 0, 4, 9, 6, 2, 8}) {
      Await.result(bus.publish(committed.get(index)));
    }
    awaitSize(received, 10);
    assertThat(received).containsExactlyElementsOf(LongStream.rangeClosed(1, 10).boxed().toList());

    // A publish lost entirely (a writer crashed after commit) is found by the head check.
    log.commit(SPACE);
    onContext(() -> {
      feed.onHead(11);
      return null;
    });
    awaitSize(received, 11);
    assertThat(received.get(10)).isEqualTo(11);
  }

  @Test
  void aSocketThatStopsReadingIsCaughtUpFromTheLogWhenItDrains() throws Exception {
    FakeTransport transport = new FakeTransport();
    for (int i = 0; i < 3; i++) {
      log.commit(SPACE);
    }
    SpaceFeed feed = onContext(() -> new SpaceFeed(SPACE, vertx, bus, log, Metrics.discarding(), 2, 20));
    Await.result(onContextFuture(feed::start));
    SpaceSubscription sub = onContext(() -> {
      SpaceSubscription s = new SpaceSubscription(SPACE, "user", "id", 0, "epoch-1", transport, feed, log, 2, Metrics.discarding(), () -> { },
          new Filtered(new io.tether.rules.Reading(io.tether.rules.Rules.NONE,
              new io.tether.core.Viewer("user", io.tether.core.Role.WRITER), null), vertx, feed.verdicts()), null);
      feed.add(s);
      s.start();
      return s;
    });
    transport.awaitFrames(4); // 3 changes, then synced
    assertThat(transport.types()).containsExactly("change", "change", "change", "synced");

    transport.full = true;
    for (int i = 0; i < 5; i++) {
      Await.result(bus.publish(log.commit(SPACE)));
    }
    TimeUnit.MILLISECONDS.sleep(200);
    assertThat(transport.frames).as("nothing is queued for a socket that does not read").hasSize(4);
    assertThat(onContext(sub::cursor)).isEqualTo(3);

    transport.full = false;
    onContext(() -> {
      transport.drain();
      return null;
    });
    transport.awaitFrames(9);
    Await.result(bus.publish(log.commit(SPACE)));
    transport.awaitFrames(10);
    assertThat(transport.seqs()).containsExactlyElementsOf(LongStream.rangeClosed(1, 9).boxed().toList());
  }

  private <T> T onContext(Callable<T> action) {
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> {
      try {
        promise.complete(action.call());
      } catch (Exception e) {
        promise.fail(e);
      }
    });
    return Await.result(promise.future());
  }

  private <T> Future<T> onContextFuture(java.util.function.Supplier<Future<T>> action) {
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> action.get().onComplete(promise));
    return promise.future();
  }

  private static void awaitSize(List<?> list, int size) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 5000;
    while (list.size() < size && System.currentTimeMillis() < deadline) {
      TimeUnit.MILLISECONDS.sleep(5);
    }
    assertThat(list).hasSize(size);
  }

  /** Records frames; its write queue is full while {@code full} is set. */
  private static final class FakeTransport implements Transport {
    final List<JsonObject> frames = new CopyOnWriteArrayList<>();
    final List<Runnable> onDrain = new ArrayList<>();
    volatile boolean full;

    @Override
    public void send(String frame) {
      frames.add(new JsonObject(frame));
    }

    @Override
    public boolean writeQueueFull() {
      return full;
    }

    @Override
    public void whenDrained(Runnable action) {
      onDrain.add(action);
    }

    void drain() {
      List<Runnable> waiting = new ArrayList<>(onDrain);
      onDrain.clear();
      waiting.forEach(Runnable::run);
    }

    @Override
    public void ping() {
    }

    @Override
    public void close(short code, String reason) {
    }

    List<String> types() {
      return frames.stream().map(f -> f.getString("type")).toList();
    }

    List<Long> seqs() {
      return frames.stream().filter(f -> "change".equals(f.getString("type"))).map(f -> f.getLong("seq")).toList();
    }

    void awaitFrames(int count) throws InterruptedException {
      awaitSize(frames, count);
    }
  }
}
