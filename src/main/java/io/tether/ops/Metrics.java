package io.tether.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToDoubleFunction;

/**
 * Tether's own meters, next to Vert.x's in the same registry. Names follow Prometheus conventions
 * (base units in the name, {@code _total} on counters once exported). Thread-safe.
 */
public final class Metrics {
  private final MeterRegistry registry;
  private final AtomicInteger sockets = new AtomicInteger();
  private final AtomicInteger subscriptions = new AtomicInteger();
  private final AtomicInteger spaces = new AtomicInteger();
  private final Counter changesCommitted;
  private final Counter framesDelivered;
  private final Timer deliveryLatency;
  private final DistributionSummary catchUpChanges;
  private final Counter gapFills;
  private final Counter slowConsumers;
  private final Counter presenceStates;
  private final Counter presenceDiffs;
  private final Counter signalsDelivered;
  private final Counter signalsDropped;

  public Metrics(MeterRegistry registry) {
    this.registry = registry;
    Gauge.builder("tether.sockets.open", sockets, AtomicInteger::get).description("Open WebSockets on this node").register(registry);
    Gauge.builder("tether.subscriptions", subscriptions, AtomicInteger::get).description("Live space subscriptions on this node")
        .register(registry);
    Gauge.builder("tether.spaces.subscribed", spaces, AtomicInteger::get)
        .description("Space feeds on this node (one per space per event loop)").register(registry);
    changesCommitted = Counter.builder("tether.changes.committed").description("Changes committed through this node")
        .register(registry);
    framesDelivered = Counter.builder("tether.frames.delivered").description("Change frames written to sockets")
        .register(registry);
    deliveryLatency = Timer.builder("tether.delivery.latency").description("Commit to socket write, live changes")
        .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(30))
        .register(registry);
    catchUpChanges = DistributionSummary.builder("tether.catchup.changes").baseUnit("changes")
        .description("Changes sent by one catch-up from the change log").publishPercentileHistogram().register(registry);
    gapFills = Counter.builder("tether.gap.fills").description("Reads of the change log to fill a gap the bus left")
        .register(registry);
    slowConsumers = Counter.builder("tether.slow.consumers")
        .description("Sockets whose write queue filled up (switched to catch-up from the change log)").register(registry);
    presenceStates = Counter.builder("tether.presence.frames").tag("type", "presence_state")
        .description("Presence frames written to sockets").register(registry);
    presenceDiffs = Counter.builder("tether.presence.frames").tag("type", "presence_diff")
        .description("Presence frames written to sockets").register(registry);
    signalsDelivered = Counter.builder("tether.signals").tag("outcome", "delivered")
        .description("Signals written to sockets, or dropped for a socket that was behind or not yet live").register(registry);
    signalsDropped = Counter.builder("tether.signals").tag("outcome", "dropped")
        .description("Signals written to sockets, or dropped for a socket that was behind or not yet live").register(registry);
  }

  public void presenceState() {
    presenceStates.increment();
  }

  public void presenceDiff() {
    presenceDiffs.increment();
  }

  public void signal(boolean delivered) {
    (delivered ? signalsDelivered : signalsDropped).increment();
  }

  /** Meters that go nowhere, for code run without a node (unit tests). */
  public static Metrics discarding() {
    return new Metrics(new SimpleMeterRegistry());
  }

  public MeterRegistry registry() {
    return registry;
  }

  public void socketOpened() {
    sockets.incrementAndGet();
  }

  public void socketClosed() {
    sockets.decrementAndGet();
  }

  public void subscriptionStarted() {
    subscriptions.incrementAndGet();
  }

  public void subscriptionEnded() {
    subscriptions.decrementAndGet();
  }

  public void feedStarted() {
    spaces.incrementAndGet();
  }

  public void feedStopped() {
    spaces.decrementAndGet();
  }

  public void changeCommitted() {
    changesCommitted.increment();
  }

  /** A live change written to a socket, {@code commitMillis} being its commit time. */
  public void delivered(long commitMillis) {
    framesDelivered.increment();
    if (commitMillis > 0) {
      deliveryLatency.record(Math.max(0, System.currentTimeMillis() - commitMillis), TimeUnit.MILLISECONDS);
    }
  }

  public void deliveredFromLog(int changes) {
    framesDelivered.increment(changes);
  }

  public void caughtUp(int changes) {
    catchUpChanges.record(changes);
  }

  public void gapFilled() {
    gapFills.increment();
  }

  public void slowConsumer() {
    slowConsumers.increment();
  }

  public void rateLimited(String scope) {
    Counter.builder("tether.rate.limited").tag("scope", scope).description("Requests and frames refused by a rate limit")
        .register(registry).increment();
  }

  /** A job attempt's outcome: done, retry or dead. */
  public void jobFinished(String kind, String outcome) {
    Counter.builder("tether.jobs").tag("kind", kind).tag("outcome", outcome)
        .description("Background job attempts by kind and outcome (done, retry, dead)").register(registry).increment();
  }

  public void authFailed(String reason) {
    Counter.builder("tether.auth.failures").tag("reason", reason).description("Refused credentials, by reason")
        .register(registry).increment();
  }

  /**
   * Exposes a counter kept by {@code owner} (the bus's reconnections, the cache's hits). Micrometer holds
   * the owner weakly: pass the long-lived object itself, not a lambda nobody else references.
   */
  public <T> void bindCounter(String name, String description, T owner, ToDoubleFunction<T> value) {
    FunctionCounter.builder(name, owner, value).description(description).register(registry);
  }
}
