package io.tether.bus;

import io.tether.core.ChangeFrame;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.core.Change;
import io.tether.support.Await;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link ChangeBus} keeps; run against the local and the Redis implementation.
 * Subclasses only say how to make a bus.
 */
abstract class ChangeBusContract {
  protected Vertx vertx;
  private ChangeBus bus;

  protected abstract ChangeBus newBus(Vertx vertx);

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    bus = newBus(vertx);
  }

  @AfterEach
  void tearDown() {
    Await.result(bus.close());
    Await.result(vertx.close());
  }

  @Test
  void aChangePublishedAfterSubscribeCompletesReachesTheListener() {
    String space = space();
    Recorder recorder = new Recorder();
    subscribeOnEventLoop(bus, space, recorder);
    Await.result(bus.publish(change(space, 1)));
    recorder.awaitCount(1);
    ChangeFrame frame = recorder.frames.get(0);
    assertThat(frame.space()).isEqualTo(space);
    assertThat(frame.seq()).isEqualTo(1);
    assertThat(new JsonObject(frame.frame()).getString("type")).isEqualTo("change");
    assertThat(new JsonObject(frame.frame()).getJsonObject("data")).isEqualTo(new JsonObject().put("n", 1));
  }

  @Test
  void theDataBeforeAChangeTravelsBesideTheFrameAndNeverInIt() {
    String space = space();
    Recorder recorder = new Recorder();
    subscribeOnEventLoop(bus, space, recorder);
    Change base = change(space, 2);
    JsonObject before = new JsonObject().put("n", 1).put("assignee", "ann");
    Change change = new Change(space, 2, base.collection(), base.id(), Change.Op.PATCH, 2, base.data(), false, null,
        "tester", base.ts(), before);
    Await.result(bus.publish(change));
    recorder.awaitCount(1);
    ChangeFrame frame = recorder.frames.get(0);
    assertThat(frame.frame()).isEqualTo(change.toFrame()).doesNotContain("assignee");
    assertThat(frame.before()).isEqualTo(before);
    assertThat(frame.after()).isEqualTo(base.data());
    assertThat(frame.collection()).isEqualTo(base.collection());
    assertThat(frame.id()).isEqualTo(base.id());
  }

  @Test
  void anEphemeralMessageReachesEveryListenerOfItsSpaceAndNoOther() {
    String space = space();
    Recorder first = new Recorder();
    Recorder second = new Recorder();
    Recorder elsewhere = new Recorder();
    subscribeOnEventLoop(bus, space, first);
    subscribeOnEventLoop(bus, space, second);
    subscribeOnEventLoop(bus, space(), elsewhere);
    JsonObject message = new JsonObject().put("type", "signal").put("space", space).put("data", new JsonObject().put("x", 1));
    Await.result(bus.publishEphemeral(space, message));
    Await.until("both listeners of the space got the message", 10,
        () -> first.ephemeral.size() == 1 && second.ephemeral.size() == 1);
    assertThat(first.ephemeral.get(0)).isEqualTo(message);
    assertThat(second.ephemeral.get(0)).isEqualTo(message);
    assertThat(first.frames).as("an ephemeral message is no change").isEmpty();
    Await.sleep(200);
    assertThat(elsewhere.ephemeral).isEmpty();
  }

  @Test
  void listenersAreCalledOnTheContextThatSubscribed() {
    String space = space();
    Recorder recorder = new Recorder();
    Context context = subscribeOnEventLoop(bus, space, recorder);
    Await.result(bus.publish(change(space, 1)));
    recorder.awaitCount(1);
    assertThat(recorder.contexts.get(0)).isSameAs(context);
  }

  @Test
  void everyListenerOfASpaceGetsItsChangesAndNoOthers() {
    String space = space();
    String other = space();
    Recorder a = new Recorder();
    Recorder b = new Recorder();
    Recorder c = new Recorder();
    subscribeOnEventLoop(bus, space, a);
    subscribeOnEventLoop(bus, space, b);
    subscribeOnEventLoop(bus, other, c);
    for (int seq = 1; seq <= 20; seq++) {
      Await.result(bus.publish(change(space, seq)));
    }
    Await.result(bus.publish(change(other, 1)));
    a.awaitCount(20);
    b.awaitCount(20);
    c.awaitCount(1);
    assertThat(a.seqs()).containsExactlyElementsOf(b.seqs());
    assertThat(a.seqs()).containsExactlyInAnyOrderElementsOf(java.util.stream.LongStream.rangeClosed(1, 20).boxed().toList());
    assertThat(c.frames.get(0).space()).isEqualTo(other);
  }

  @Test
  void anUnsubscribedListenerHearsNothingMore() throws Exception {
    String space = space();
    Recorder gone = new Recorder();
    Recorder stays = new Recorder();
    ChangeBus.Subscription subscription = subscribeOnEventLoop(bus, space, gone, true);
    subscribeOnEventLoop(bus, space, stays);
    Await.result(bus.publish(change(space, 1)));
    gone.awaitCount(1);
    stays.awaitCount(1);
    Await.result(onEventLoop(subscription::unsubscribe));
    Await.result(bus.publish(change(space, 2)));
    stays.awaitCount(2);
    TimeUnit.MILLISECONDS.sleep(200);
    assertThat(gone.seqs()).containsExactly(1L);
  }

  @Test
  void resubscribingAfterTheLastListenerLeftWorks() {
    String space = space();
    Recorder first = new Recorder();
    ChangeBus.Subscription subscription = subscribeOnEventLoop(bus, space, first, true);
    Await.result(onEventLoop(subscription::unsubscribe));
    Recorder second = new Recorder();
    subscribeOnEventLoop(bus, space, second);
    Await.result(bus.publish(change(space, 7)));
    second.awaitCount(1);
    assertThat(second.seqs()).containsExactly(7L);
  }

  @Test
  void revocationsReachTheListenersOfTheirSpace() throws Exception {
    String space = space();
    Recorder here = new Recorder();
    Recorder elsewhere = new Recorder();
    subscribeOnEventLoop(bus, space, here);
    subscribeOnEventLoop(bus, space(), elsewhere);
    Await.result(bus.publishRevocation(space, "user-7"));
    long deadline = System.currentTimeMillis() + 5000;
    while (here.revoked.isEmpty() && System.currentTimeMillis() < deadline) {
      TimeUnit.MILLISECONDS.sleep(10);
    }
    assertThat(here.revoked).containsExactly("user-7");
    assertThat(here.frames).isEmpty();
    assertThat(elsewhere.revoked).isEmpty();
  }

  @Test
  void aSpaceDeletionReachesItsListenersAndTheMembershipChannelAndNoOtherSpace() throws Exception {
    String space = space();
    Recorder here = new Recorder();
    Recorder memberships = new Recorder();
    Recorder elsewhere = new Recorder();
    subscribeOnEventLoop(bus, space, here);
    subscribeOnEventLoop(bus, ChangeBus.MEMBERSHIPS, memberships);
    subscribeOnEventLoop(bus, space(), elsewhere);
    Await.result(bus.publishSpaceDeleted(space));
    long deadline = System.currentTimeMillis() + 5000;
    while ((here.deleted.isEmpty() || memberships.deleted.isEmpty()) && System.currentTimeMillis() < deadline) {
      TimeUnit.MILLISECONDS.sleep(10);
    }
    assertThat(here.deleted).containsExactly(space);
    assertThat(memberships.deleted).containsExactly(space);
    TimeUnit.MILLISECONDS.sleep(100);
    assertThat(elsewhere.deleted).isEmpty();
    assertThat(here.frames).isEmpty();
    assertThat(here.revoked).isEmpty();
  }

  @Test
  void pingSucceedsWhileTheBusIsUp() {
    Await.result(bus.ping());
  }

  protected Context subscribeOnEventLoop(ChangeBus target, String space, BusListener listener) {
    Context[] context = new Context[1];
    Await.result(onEventLoop(() -> {
      context[0] = Vertx.currentContext();
      return target.subscribe(space, listener);
    }));
    return context[0];
  }

  protected ChangeBus.Subscription subscribeOnEventLoop(ChangeBus target, String space, BusListener listener, boolean unused) {
    return Await.result(onEventLoop(() -> target.subscribe(space, listener)));
  }

  protected <T> Future<T> onEventLoop(java.util.function.Supplier<Future<T>> action) {
    Promise<T> promise = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> action.get().onComplete(promise));
    return promise.future();
  }

  protected static String space() {
    return "bus-" + UUID.randomUUID();
  }

  protected static Change change(String space, long seq) {
    return new Change(space, seq, "c", "d" + seq, Change.Op.PUT, seq, new JsonObject().put("n", seq), false, null,
        "tester", Instant.now());
  }

  /** Records what a listener receives, and where. */
  protected static final class Recorder implements BusListener {
    final List<ChangeFrame> frames = new CopyOnWriteArrayList<>();
    final List<Context> contexts = new CopyOnWriteArrayList<>();
    volatile int gaps;
    final List<String> revoked = new CopyOnWriteArrayList<>();
    final List<JsonObject> ephemeral = new CopyOnWriteArrayList<>();
    final List<String> deleted = new CopyOnWriteArrayList<>();

    @Override
    public void onSpaceDeleted(String space) {
      deleted.add(space);
    }

    @Override
    public void onEphemeral(JsonObject message) {
      ephemeral.add(message);
    }

    @Override
    public void onRevoked(String userId) {
      revoked.add(userId);
    }

    @Override
    public void onChange(ChangeFrame frame) {
      frames.add(frame);
      contexts.add(Vertx.currentContext());
    }

    @Override
    public void onGapPossible() {
      gaps++;
    }

    List<Long> seqs() {
      return frames.stream().map(ChangeFrame::seq).toList();
    }

    void awaitCount(int count) {
      long deadline = System.currentTimeMillis() + 10_000;
      while (frames.size() < count) {
        if (System.currentTimeMillis() > deadline) {
          throw new AssertionError("expected " + count + " changes, got " + frames.size());
        }
        try {
          TimeUnit.MILLISECONDS.sleep(10);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }
}
