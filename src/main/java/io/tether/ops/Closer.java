package io.tether.ops;

import io.vertx.core.Future;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a node built and must let go of, registered as it is built and closed in the reverse order:
 * what was built last (the verticles) closes first, what everything stands on (the pool, the embedded
 * database) last. A resource nobody registered is one the stop forgets, so the composition root
 * registers each in the same statement that builds it.
 */
public final class Closer {
  private static final Logger LOG = LoggerFactory.getLogger(Closer.class);

  private record Entry(String name, Supplier<Future<?>> close) {}

  private final Deque<Entry> entries = new ArrayDeque<>();
  private boolean closed;

  /** Registers {@code resource}'s closing and returns it, so building and registering are one expression. */
  public synchronized <T> T register(String name, T resource, java.util.function.Function<T, Future<?>> close) {
    entries.push(new Entry(name, () -> close.apply(resource)));
    return resource;
  }

  /** Registers a resource that closes synchronously (a timer to cancel). */
  public <T> T registerSync(String name, T resource, java.util.function.Consumer<T> close) {
    return register(name, resource, r -> {
      close.accept(r);
      return Future.succeededFuture();
    });
  }

  /** Closes everything, last registered first; one that fails is logged and the rest still close. Idempotent. */
  public Future<Void> close() {
    synchronized (this) {
      if (closed) {
        return Future.succeededFuture();
      }
      closed = true;
    }
    return next();
  }

  private Future<Void> next() {
    Entry entry;
    synchronized (this) {
      entry = entries.poll();
    }
    if (entry == null) {
      return Future.succeededFuture();
    }
    Future<?> closing;
    try {
      closing = entry.close().get();
    } catch (RuntimeException e) {
      closing = Future.failedFuture(e);
    }
    return closing
        .onFailure(err -> LOG.warn("Closing {} failed: {}", entry.name(), err.toString()))
        .transform(ar -> next());
  }

  /** Names still to close, the next first; for tests. */
  public synchronized java.util.List<String> pending() {
    return entries.stream().map(Entry::name).toList();
  }
}
