package io.tether.suites.fault;

import io.tether.support.ApiClient;
import io.tether.support.ApiClient.Response;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A client writing documents over REST in a loop on its own thread, at most {@code ratePerSecond},
 * moving to the next node when one fails. It remembers every write the server acknowledged (the
 * seq and version it answered) and what every refused or cut write got back, for the checker.
 */
final class Writer implements AutoCloseable {
  /** An acknowledged write: the server answered 200/201 with this seq and version. */
  record Ack(long seq, String id, long version) {}

  private final List<Integer> ports;
  private final String token;
  private final String space;
  private final long pauseMillis;
  private final String padding;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final List<Ack> acks = new ArrayList<>();
  private final Map<String, Integer> failures = new TreeMap<>();
  private final Thread thread;
  private int node;

  Writer(List<Integer> ports, String token, String space, int ratePerSecond) {
    this(ports, token, space, ratePerSecond, 0);
  }

  /** Each document carries {@code paddingBytes} of filler, to fill a slow reader's buffers sooner. */
  Writer(List<Integer> ports, String token, String space, int ratePerSecond, int paddingBytes) {
    this.padding = "x".repeat(paddingBytes);
    this.ports = ports;
    this.token = token;
    this.space = space;
    this.pauseMillis = 1000L / ratePerSecond;
    this.thread = new Thread(this::loop, "writer-" + space);
    thread.start();
  }

  synchronized List<Ack> acks() {
    return new ArrayList<>(acks);
  }

  /** How the writes that were not acknowledged ended: "503 unavailable", "connection", ... with counts. */
  synchronized Map<String, Integer> failures() {
    return new TreeMap<>(failures);
  }

  synchronized int failed() {
    return failures.values().stream().mapToInt(Integer::intValue).sum();
  }

  private void loop() {
    int n = 0;
    while (running.get()) {
      String id = "d" + ThreadLocalRandom.current().nextInt(40);
      JsonObject data = new JsonObject().put("n", n++).put("by", thread.getName());
      if (!padding.isEmpty()) {
        data.put("padding", padding);
      }
      ApiClient api = new ApiClient(ports.get(node));
      String failure;
      try {
        Response response = api.send("PUT", "/v1/spaces/" + space + "/documents/items/" + id, token, data.encode());
        if (response.status() == 200 || response.status() == 201) {
          JsonObject body = response.json();
          synchronized (this) {
            acks.add(new Ack(body.getLong("seq"), id, body.getJsonObject("document").getLong("version")));
          }
          failure = null;
        } else {
          failure = response.status() + " " + response.errorCode();
        }
      } catch (AssertionError connectionFailed) {
        failure = "connection";
      }
      if (failure != null) {
        synchronized (this) {
          failures.merge(failure, 1, Integer::sum);
        }
        node = (node + 1) % ports.size();
      }
      sleep(pauseMillis);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops after the write in progress. */
  @Override
  public void close() {
    running.set(false);
    try {
      thread.join(40_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
