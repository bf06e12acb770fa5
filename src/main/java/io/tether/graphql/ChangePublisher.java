package io.tether.graphql;

import io.tether.core.ErrorCode;
import io.tether.core.TetherException;
import io.tether.sync.ChangeStream;
import io.tether.sync.ChangeStreams;
import io.tether.sync.Transport;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * A GraphQL subscription to a space's changes: the native protocol's subscription (catch-up, then
 * live, exactly once and in order) with its frames turned into {@code SyncEvent}s. Events go out
 * only while the socket's write queue has room (Vert.x's GraphQL handler asks for events without
 * looking at it) and the subscriber asks for them; meanwhile at most {@code maxBufferedBytes} wait
 * here, then the subscription counts as lagging and is caught up from the change log once the
 * socket drains, as on the native socket. Everything runs on the event loop that created it.
 */
final class ChangePublisher implements Publisher<Object>, Transport {
  private static final int MAX_BUFFERED = 256;
  private static final Object END = new Object();

  private final SocketDrains socket;
  private final Runnable resume = this::drain;
  private final long maxBufferedBytes;
  private long bufferedBytes;
  private final Context context = Vertx.currentContext();
  private final ChangeStreams streams;
  private final String userId;
  private final String space;
  private final long since;
  private final String epoch;
  private final ArrayDeque<Object> buffered = new ArrayDeque<>();
  private final List<Runnable> whenDrained = new ArrayList<>();
  private final Runnable onFinish;
  private final io.tether.rules.Reading reading;
  private Subscriber<? super Object> subscriber;
  private ChangeStream stream;
  private long demand;
  private boolean done;
  private long recheckTimer = -1;

  ChangePublisher(ChangeStreams streams, String userId, String space, long since, String epoch,
                  io.tether.rules.Reading reading, SocketDrains socket, long maxBufferedBytes, Runnable onFinish) {
    this.reading = reading;
    this.socket = socket;
    this.maxBufferedBytes = maxBufferedBytes;
    this.onFinish = onFinish;
    this.streams = streams;
    this.userId = userId;
    this.space = space;
    this.since = since;
    this.epoch = epoch;
  }

  /** The answer when {@code since} cannot be served: one RESYNC_REQUIRED event, then the end. */
  static Publisher<Object> resyncRequired(long minSeq, String epoch) {
    return subscriber -> subscriber.onSubscribe(new Subscription() {
      private boolean sent;

      @Override
      public void request(long n) {
        if (!sent && n > 0) {
          sent = true;
          subscriber.onNext(Map.of("kind", "RESYNC_REQUIRED", "minSeq", minSeq, "epoch", epoch));
          subscriber.onComplete();
        }
      }

      @Override
      public void cancel() {
        sent = true;
      }
    });
  }

  @Override
  public void subscribe(Subscriber<? super Object> s) {
    onContext(() -> {
      if (subscriber != null) {
        s.onError(new IllegalStateException("one subscriber per subscription"));
        return;
      }
      subscriber = s;
      s.onSubscribe(new Subscription() {
        @Override
        public void request(long n) {
          onContext(() -> {
            demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
            drain();
          });
        }

        @Override
        public void cancel() {
          onContext(() -> finish(null, false));
        }
      });
      stream = streams.open(userId, null, space, since, epoch, reading, this, () -> enqueue(END));
      stream.start();
      // As native sockets do: ask again, at a random moment within the period and then every period.
      long every = streams.recheckMillis();
      recheckTimer = context.owner().setTimer(1 + java.util.concurrent.ThreadLocalRandom.current().nextLong(every), id -> {
        if (!done) {
          recheck();
          recheckTimer = context.owner().setPeriodic(every, again -> recheck());
        }
      });
    });
  }

  /** A member removed or re-roled while the bus lost the notice: ended as a native subscription is. */
  private void recheck() {
    if (done) {
      return;
    }
    streams.recheck(space, userId, reading).onSuccess(found -> {
      switch (found) {
        case REVOKED -> enqueue(TetherException.forbidden("you are no longer a member of this space"));
        case ROLE_CHANGED -> enqueue(new Sized(Map.of("kind", "RESYNC_REQUIRED", "minSeq", stream.cursor(), "epoch", epoch), 0));
        default -> { }
      }
    });
  }

  // Transport: the native subscription writes its frames here.

  @Override
  public void send(String frame) {
    bufferedBytes += frame.length();
    enqueue(new Sized(event(new JsonObject(frame)), frame.length()));
  }

  /** An event and the size of the frame it came from, so what waits here is counted in bytes. */
  private record Sized(Object event, int bytes) {}

  @Override
  public void sendEncoded(byte[] utf8) {
    send(new String(utf8, StandardCharsets.UTF_8));
  }

  @Override
  public boolean writeQueueFull() {
    return done || buffered.size() >= MAX_BUFFERED || bufferedBytes >= maxBufferedBytes || socket.full();
  }

  @Override
  public void whenDrained(Runnable action) {
    whenDrained.add(action);
  }

  @Override
  public void ping() {
    // graphql-transport-ws has its own ping; the socket is kept alive by the GraphQL handler
  }

  @Override
  public void close(short code, String reason) {
    enqueue(new TetherException(ErrorCode.UNAVAILABLE, reason));
  }

  private static Object event(JsonObject frame) {
    return switch (frame.getString("type", "")) {
      case "change" -> {
        frame.remove("type");
        yield Map.of("kind", "CHANGE", "change", frame.getMap());
      }
      case "synced" -> Map.of("kind", "SYNCED", "cursor", frame.getLong("cursor"), "epoch", frame.getString("epoch"));
      case "cursor" -> Map.of("kind", "CURSOR", "cursor", frame.getLong("seq"));
      case "space_deleted" -> Map.of("kind", "SPACE_DELETED");
      case "resync_required" -> Map.of("kind", "RESYNC_REQUIRED", "minSeq", frame.getLong("minSeq"),
          "epoch", frame.getString("epoch"));
      default -> new TetherException(ErrorCode.fromCode(frame.getString("code")), frame.getString("message", "subscription ended"));
    };
  }

  private void enqueue(Object item) {
    if (!done) {
      buffered.add(item);
      drain();
    }
  }

  private void drain() {
    while (!done && !buffered.isEmpty()
        && (demand > 0 && !socket.full() || buffered.peek() == END || buffered.peek() instanceof Throwable)) {
      Object item = buffered.poll();
      if (item instanceof Sized sized) {
        bufferedBytes -= sized.bytes();
        item = sized.event();
      }
      if (item == END) {
        finish(null, true);
      } else if (item instanceof Throwable error) {
        finish(error, true);
      } else {
        demand--;
        subscriber.onNext(item);
        if (item instanceof Map<?, ?> map && ("RESYNC_REQUIRED".equals(map.get("kind")) || "SPACE_DELETED".equals(map.get("kind")))) {
          finish(null, true);
        }
      }
    }
    if (!done && !buffered.isEmpty() && socket.full()) {
      socket.whenDrained(resume);
    }
    if (!done && buffered.size() < MAX_BUFFERED / 2 && bufferedBytes < maxBufferedBytes / 2 && !socket.full()
        && !whenDrained.isEmpty()) {
      List<Runnable> ready = new ArrayList<>(whenDrained);
      whenDrained.clear();
      ready.forEach(Runnable::run);
    }
  }

  private void finish(Throwable error, boolean tell) {
    if (done) {
      return;
    }
    done = true;
    if (recheckTimer >= 0) {
      context.owner().cancelTimer(recheckTimer);
    }
    buffered.clear();
    bufferedBytes = 0;
    onFinish.run();
    if (stream != null) {
      stream.stop();
    }
    if (tell) {
      if (error == null) {
        subscriber.onComplete();
      } else {
        subscriber.onError(error);
      }
    }
  }

  private void onContext(Runnable action) {
    if (Vertx.currentContext() == context) {
      action.run();
    } else {
      context.runOnContext(v -> action.run());
    }
  }
}
