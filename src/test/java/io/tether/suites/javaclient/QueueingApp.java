package io.tether.suites.javaclient;

import com.google.gson.JsonObject;
import io.tether.client.Events;
import io.tether.client.FileStorage;
import io.tether.client.Space;
import io.tether.client.TetherAuth;
import io.tether.client.TetherClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The app a test kills: {@code write <url> <dir> <space> <from> <count>} queues puts one after the
 * other and prints {@code queued <n> <mutationId>} once each is in storage; {@code drain <url> <dir>
 * <space>} opens the same storage, waits until the queue is empty and prints how it synced.
 */
public final class QueueingApp {
  private QueueingApp() {}

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    Path dir = Path.of(args[2]);
    FileStorage storage = new FileStorage(dir);
    TetherAuth auth = new TetherAuth(args[1], storage);
    TetherClient client = TetherClient.builder(args[1], auth).storage(storage)
        .backoff(Duration.ofMillis(50), Duration.ofMillis(500)).build();
    CompletableFuture<Events.Synced> synced = new CompletableFuture<>();
    Space space = client.space(args[3]);
    space.onSynced(synced::complete);
    client.connect();
    Events.Synced first = synced.get(30, TimeUnit.SECONDS);
    System.out.println("synced fromSavedCopy=" + first.fromSavedCopy + " cursor=" + first.cursor);
    System.out.flush();
    if (mode.equals("write")) {
      int from = Integer.parseInt(args[4]);
      int count = Integer.parseInt(args[5]);
      for (int i = from; i < from + count; i++) {
        JsonObject data = new JsonObject();
        data.addProperty("n", i);
        String id = space.put("items", "item-" + i, data).get(10, TimeUnit.SECONDS);
        System.out.println("queued " + i + " " + id);
        System.out.flush();
        Thread.sleep(2); // some answered, some in flight, some only queued when the kill comes
      }
      System.out.println("all queued");
      System.out.flush();
      Thread.sleep(60_000);
    } else {
      long deadline = System.currentTimeMillis() + 30_000;
      while (space.pending() > 0 && System.currentTimeMillis() < deadline) {
        Thread.sleep(20);
      }
      System.out.println("drained pending=" + space.pending() + " items=" + space.documents("items").size());
      System.out.flush();
      client.close();
    }
  }
}
