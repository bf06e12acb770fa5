package io.tether.client;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * One space: a local copy of its documents, with this device's queued writes shown on top, kept
 * current by the socket and saved in storage with its cursor, so a restart resumes where it stopped
 * without loading the space again.
 *
 * <p>Writes are queued as mutations with ids. Each is in storage before its future completes, is sent
 * (and after a reconnect sent again, with the same id) until the server answers it, and then leaves the
 * queue: applied, or reported to {@link #onConflict} or {@link #onRejected}. A refused write never
 * holds up the ones behind it.
 */
public final class Space {
  private static final int MAX_BATCH = 500;
  /** Below the server's socket message limit (1 MiB by default), with room for the frame around it. */
  private static final long MAX_BATCH_BYTES = 900 * 1024;
  private static final int PAGE = 500;
  private static final long SAVE_DELAY_MS = 1000;

  private final TetherClient client;
  final String id;
  private final boolean withPresence;
  private final @Nullable Query query;
  /** A filtered copy is saved apart from the whole space's (or another query's). */
  private final String storageKey;
  private Map<String, Document> docs = new LinkedHashMap<>();
  private long cursor;
  private @Nullable String epoch;
  private boolean loaded;
  private boolean restoredFromStorage;
  private List<Mutation> queue = new ArrayList<>();
  /** Applied writes whose change has not arrived yet: still shown, so an item does not blink back. */
  private List<Mutation> settling = new ArrayList<>();
  private @Nullable String inflight;
  private List<Mutation> inflightBatch = List.of();
  private boolean synced;
  private boolean subscribing;
  boolean detached;
  private boolean gone;
  private boolean saveScheduled;
  private boolean notifyScheduled;
  private boolean allDirty;
  private final java.util.Set<String> dirty = new java.util.HashSet<>();
  private @Nullable JsonElement myState;
  private Map<String, Events.Presence> presence = Map.of();
  private int presenceCount;

  private final List<CollectionListener> changeListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final Listeners<Events.Synced> syncedListeners;
  private final Listeners<Events.Conflict> conflictListeners;
  private final Listeners<Events.Rejection> rejectionListeners;
  private final Listeners<Map<String, Events.Presence>> presenceListeners;
  private final Listeners<Events.Signal> signalListeners;
  private final Listeners<String> deletedListeners;
  private final Listeners<TetherException> errorListeners;

  private static final class CollectionListener {
    final @Nullable String collection;
    final Consumer<List<Document>> listener;

    CollectionListener(@Nullable String collection, Consumer<List<Document>> listener) {
      this.collection = collection;
      this.listener = listener;
    }
  }

  Space(TetherClient client, String id, boolean withPresence, @Nullable Query query) {
    this.client = client;
    this.id = id;
    this.withPresence = withPresence;
    this.query = query;
    this.storageKey = query == null ? id : id + "?" + query.toJson();
    this.syncedListeners = new Listeners<>(client.callbacks);
    this.conflictListeners = new Listeners<>(client.callbacks);
    this.rejectionListeners = new Listeners<>(client.callbacks);
    this.presenceListeners = new Listeners<>(client.callbacks);
    this.signalListeners = new Listeners<>(client.callbacks);
    this.deletedListeners = new Listeners<>(client.callbacks);
    this.errorListeners = new Listeners<>(client.callbacks);
  }

  public String id() {
    return id;
  }

  // ---- reading (any thread)

  /** The documents of a collection (null: all), queued writes included, deleted ones left out, by id. */
  public List<Document> documents(@Nullable String collection) {
    return client.call(() -> view(collection));
  }

  public @Nullable Document get(String collection, String docId) {
    return client.call(() -> {
      for (Document d : view(collection)) {
        if (d.id.equals(docId)) {
          return d;
        }
      }
      return null;
    });
  }

  /** Writes not yet answered by the server. */
  public int pending() {
    return client.call(() -> queue.size());
  }

  /** The last change seq the local copy holds. */
  public long cursor() {
    return client.call(() -> cursor);
  }

  /** Who is here (at most the server's presence.maxListed), by user id. */
  public Map<String, Events.Presence> presence() {
    return client.call(() -> presence);
  }

  public int presenceCount() {
    return client.call(() -> presenceCount);
  }

  // ---- listening

  /** Told the collection's documents (null: every collection's) whenever any of them changes here or on the server. */
  public Registration onChange(@Nullable String collection, Consumer<List<Document>> listener) {
    CollectionListener l = new CollectionListener(collection, listener);
    changeListeners.add(l);
    return () -> changeListeners.remove(l);
  }

  public Registration onSynced(Consumer<Events.Synced> listener) {
    return syncedListeners.add(listener);
  }

  public Registration onConflict(Consumer<Events.Conflict> listener) {
    return conflictListeners.add(listener);
  }

  public Registration onRejected(Consumer<Events.Rejection> listener) {
    return rejectionListeners.add(listener);
  }

  public Registration onPresence(Consumer<Map<String, Events.Presence>> listener) {
    return presenceListeners.add(listener);
  }

  public Registration onSignal(Consumer<Events.Signal> listener) {
    return signalListeners.add(listener);
  }

  /** The space was deleted: its copy and queue are gone from this device too. */
  public Registration onDeleted(Consumer<String> listener) {
    return deletedListeners.add(listener);
  }

  public Registration onError(Consumer<TetherException> listener) {
    return errorListeners.add(listener);
  }

  // ---- writing

  /** Queues a put; the future completes with the mutation id once the write is in storage. */
  public CompletableFuture<String> put(String collection, String docId, JsonElement data) {
    return enqueue("put", collection, docId, data, null);
  }

  public CompletableFuture<String> put(String collection, String docId, JsonElement data, long baseVersion) {
    return enqueue("put", collection, docId, data, baseVersion);
  }

  /** A JSON merge patch (RFC 7386). */
  public CompletableFuture<String> patch(String collection, String docId, JsonElement data) {
    return enqueue("patch", collection, docId, data, null);
  }

  public CompletableFuture<String> delete(String collection, String docId) {
    return enqueue("delete", collection, docId, null, null);
  }

  public CompletableFuture<String> delete(String collection, String docId, long baseVersion) {
    return enqueue("delete", collection, docId, null, baseVersion);
  }

  /** This device's presence state (for example {"typing": true}); kept across reconnects. */
  public void setPresence(JsonElement state) {
    client.onLoop(() -> {
      myState = state;
      if (synced) {
        JsonObject frame = frame("presence");
        frame.add("state", state);
        client.tell(this, "presence", frame);
      }
    });
  }

  /** An ephemeral message to everyone else here; false (dropped) while offline. */
  public boolean signal(JsonElement data) {
    return client.call(() -> {
      if (!synced) {
        return false;
      }
      JsonObject frame = frame("signal");
      frame.add("data", data);
      return client.tell(this, "signal", frame);
    });
  }

  /** Stops following the space; the saved copy and the queue stay for next time. */
  public void close() {
    client.onLoop(() -> {
      detach();
      client.openSpaces.remove(id);
    });
  }

  private CompletableFuture<String> enqueue(String op, String collection, String docId, @Nullable JsonElement data,
      @Nullable Long baseVersion) {
    CompletableFuture<String> done = new CompletableFuture<>();
    client.onLoop(() -> {
      if (gone) {
        done.completeExceptionally(new TetherException(404, "not_found", "space " + id + " was deleted"));
        return;
      }
      Mutation m = new Mutation(UUID.randomUUID().toString(), op, collection, docId, data == null ? null : data.deepCopy(),
          baseVersion, 0);
      queue.add(m);
      try {
        saveQueue();
      } catch (IOException e) {
        queue.remove(queue.size() - 1);
        done.completeExceptionally(new TetherException(0, "storage", "could not save the write: " + e.getMessage(), e));
        return;
      }
      done.complete(m.mutationId);
      changed(collection);
      flush();
    });
    return done;
  }

  // ---- on the client's thread

  void restore() {
    try {
      String saved = client.storage.read("space:" + storageKey);
      String savedQueue = client.storage.read("queue:" + id);
      if (saved != null) {
        JsonObject s = JsonParser.parseString(saved).getAsJsonObject();
        for (JsonElement d : s.getAsJsonArray("docs")) {
          Document doc = Document.fromJson(d.getAsJsonObject());
          docs.put(doc.key(), doc);
        }
        cursor = s.get("cursor").getAsLong();
        epoch = TetherClient.text(s, "epoch");
        loaded = true;
        restoredFromStorage = true;
      }
      if (savedQueue != null) {
        for (JsonElement m : JsonParser.parseString(savedQueue).getAsJsonArray()) {
          queue.add(Mutation.fromJson(m.getAsJsonObject()));
        }
      }
      if (saved != null || savedQueue != null) {
        changed(null);
      }
    } catch (IOException | RuntimeException e) {
      errorListeners.emit(new TetherException(0, "storage", "the saved copy of " + id + " is unreadable: " + e, e));
    }
  }

  void detach() {
    detached = true;
    client.send(frame("unsubscribe"));
    if (saveScheduled) { // closing: the next start resumes from here rather than from a second ago
      saveScheduled = false;
      saveNow();
    }
  }

  void onConnected() {
    if (!detached) {
      subscribe();
    }
  }

  void onDisconnected() {
    synced = false;
    subscribing = false;
    inflight = null; // sent again on reconnect with the same ids: the server answers each once
    if (!presence.isEmpty()) {
      presence = Map.of();
      presenceCount = 0;
      presenceListeners.emit(presence);
    }
  }

  private void subscribe() {
    if (subscribing || detached || client.currentStatus() != TetherClient.Status.ONLINE) {
      return;
    }
    subscribing = true;
    CompletableFuture<Void> ready = loaded ? CompletableFuture.completedFuture(null) : reload();
    ready.whenCompleteAsync((ok, error) -> {
      if (error != null) {
        subscribing = false;
        TetherException e = Rest.cause(error);
        errorListeners.emit(e);
        if (e.status() == 0 || e.status() >= 500) {
          client.loop.schedule(this::subscribe, 1000 + ThreadLocalRandom.current().nextLong(2000), TimeUnit.MILLISECONDS);
        }
        return;
      }
      JsonObject frame = frame("subscribe");
      frame.addProperty("since", cursor);
      if (epoch != null) {
        frame.addProperty("epoch", epoch);
      }
      if (!withPresence) {
        frame.addProperty("presence", false);
      }
      if (query != null) {
        frame.add("query", query.toJson());
      }
      if (client.ask(this, "sub", frame) == null) {
        subscribing = false;
      }
    }, client::onLoop);
  }

  /** Replaces the local copy with the server's documents and the cursor they were read at, page by page. */
  private CompletableFuture<Void> reload() {
    Map<String, Document> fresh = new LinkedHashMap<>();
    long[] at = {-1};
    String[] readEpoch = {null};
    return page(fresh, null, at, readEpoch).thenRunAsync(() -> {
      docs = fresh;
      cursor = at[0];
      epoch = readEpoch[0];
      settling = new ArrayList<>();
      loaded = true;
      restoredFromStorage = false;
      saveNow();
      changed(null);
    }, client::onLoop);
  }

  private CompletableFuture<Void> page(Map<String, Document> into, @Nullable String after, long[] at, String[] readEpoch) {
    String filter = query == null ? "" : "&collection=" + encode(query.collectionName()) + "&where=" + encode(query.conditions().toString());
    String path = "/v1/spaces/" + Rest.segment(id) + "/documents?limit=" + PAGE + filter
        + (after == null ? "" : "&after=" + java.net.URLEncoder.encode(after, java.nio.charset.StandardCharsets.UTF_8));
    return client.request("GET", path, null).thenCompose(answer -> {
      JsonObject page = java.util.Objects.requireNonNull(answer);
      if (at[0] < 0) {
        at[0] = page.get("cursor").getAsLong();
        readEpoch[0] = TetherClient.text(page, "epoch");
      }
      for (JsonElement d : page.getAsJsonArray("documents")) {
        Document doc = Document.fromJson(d.getAsJsonObject());
        into.put(doc.key(), doc);
      }
      String next = TetherClient.text(page, "next");
      return next == null ? CompletableFuture.completedFuture(null) : page(into, next, at, readEpoch);
    });
  }

  void onFrame(JsonObject frame) {
    String type = String.valueOf(TetherClient.text(frame, "type"));
    switch (type) {
      case "change":
        applyChange(frame);
        return;
      case "cursor":
        long seq = frame.get("seq").getAsLong();
        if (seq > cursor) {
          cursor = seq;
          settle();
          save();
        }
        return;
      case "synced":
        subscribing = false;
        synced = true;
        epoch = TetherClient.text(frame, "epoch");
        syncedListeners.emit(new Events.Synced(frame.get("cursor").getAsLong(), String.valueOf(epoch), restoredFromStorage));
        if (myState != null) {
          JsonObject p = frame("presence");
          p.add("state", myState);
          client.tell(this, "presence", p);
        }
        flush();
        return;
      case "resync_required":
        // The cursor cannot be served (compacted, or the space is a new one by that name): load it again.
        synced = false;
        subscribing = false;
        loaded = false;
        subscribe();
        return;
      case "ack":
        if (TetherClient.text(frame, "id") != null && TetherClient.text(frame, "id").equals(inflight)) {
          onAck(frame);
        }
        return;
      case "presence_state": {
        Map<String, Events.Presence> next = new LinkedHashMap<>();
        for (JsonElement m : frame.getAsJsonArray("members")) {
          Events.Presence p = new Events.Presence(m.getAsJsonObject());
          next.put(p.userId, p);
        }
        presence = java.util.Collections.unmodifiableMap(next);
        presenceCount = frame.has("count") ? frame.get("count").getAsInt() : next.size();
        presenceListeners.emit(presence);
        return;
      }
      case "presence_diff": {
        Map<String, Events.Presence> next = new LinkedHashMap<>(presence);
        for (String list : new String[] {"joins", "updates"}) {
          if (frame.has(list)) {
            for (JsonElement m : frame.getAsJsonArray(list)) {
              Events.Presence p = new Events.Presence(m.getAsJsonObject());
              next.put(p.userId, p);
            }
          }
        }
        if (frame.has("leaves")) {
          for (JsonElement m : frame.getAsJsonArray("leaves")) {
            next.remove(m.getAsJsonObject().get("userId").getAsString());
          }
        }
        presence = java.util.Collections.unmodifiableMap(next);
        presenceCount = frame.has("count") ? frame.get("count").getAsInt() : next.size();
        presenceListeners.emit(presence);
        return;
      }
      case "signal":
        signalListeners.emit(new Events.Signal(String.valueOf(TetherClient.text(frame, "from")), frame.get("data")));
        return;
      case "space_deleted":
        forget();
        changed(null);
        deletedListeners.emit(id);
        return;
      case "error":
        onError(frame);
        return;
      default:
    }
  }

  private void onError(JsonObject frame) {
    String code = String.valueOf(TetherClient.text(frame, "code"));
    TetherException error = new TetherException(0, code, String.valueOf(TetherClient.text(frame, "message")));
    String frameId = TetherClient.text(frame, "id");
    if (frameId != null && frameId.equals(inflight)) {
      inflight = null;
      List<Mutation> batch = inflightBatch;
      inflightBatch = List.of();
      if ("unavailable".equals(code) || "rate_limited".equals(code)) {
        client.loop.schedule(this::flush, 1, TimeUnit.SECONDS);
      } else {
        // The batch as a whole was refused (no longer a writer, too large, malformed): sending it again
        // would be refused again, so its writes are reported and dropped rather than wedging the queue.
        reject(batch, new TetherException(0, code, error.getMessage()));
      }
    } else if (frameId == null || frameId.startsWith("sub-")) {
      // The subscription did not start or has ended (removed from the space, server trouble).
      synced = false;
      subscribing = false;
      if ("unavailable".equals(code)) {
        client.loop.schedule(this::subscribe, 1000 + ThreadLocalRandom.current().nextLong(2000), TimeUnit.MILLISECONDS);
      }
    }
    errorListeners.emit(error);
  }

  private void flush() {
    if (!synced || inflight != null || queue.isEmpty()) {
      return;
    }
    JsonArray batch = new JsonArray();
    List<Mutation> sent = new ArrayList<>();
    long bytes = 0;
    for (Mutation m : queue) {
      String json = m.toJson().toString();
      long size = json.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
      if (size > MAX_BATCH_BYTES) {
        // Larger than any socket message the server takes: it could never be sent, so it must not wait.
        reject(List.of(m), new TetherException(413, "too_large", "the write is larger than a socket message may be"));
        return;
      }
      if (sent.size() == MAX_BATCH || bytes + size > MAX_BATCH_BYTES) {
        break;
      }
      batch.add(m.toJson());
      sent.add(m);
      bytes += size;
    }
    JsonObject frame = frame("mutate");
    frame.add("mutations", batch);
    inflight = client.ask(this, "mutate", frame);
    inflightBatch = inflight == null ? List.of() : sent;
  }

  /** Writes the server can never take: reported, dropped, and the queue goes on. */
  private void reject(List<Mutation> refused, TetherException error) {
    java.util.Set<String> ids = new java.util.HashSet<>();
    refused.forEach(m -> ids.add(m.mutationId));
    queue.removeIf(m -> ids.contains(m.mutationId));
    refused.forEach(m -> rejectionListeners.emit(new Events.Rejection(m, error)));
    answered(refused);
  }

  private void onAck(JsonObject frame) {
    Map<String, JsonObject> answered = new HashMap<>();
    for (JsonElement r : frame.getAsJsonArray("results")) {
      answered.put(r.getAsJsonObject().get("mutationId").getAsString(), r.getAsJsonObject());
    }
    List<Mutation> done = new ArrayList<>();
    List<Mutation> left = new ArrayList<>();
    for (Mutation m : queue) {
      (answered.containsKey(m.mutationId) ? done : left).add(m);
    }
    queue = left;
    inflight = null;
    // The server sends a document's current version once per answer; later conflicts on it leave it out.
    Map<String, JsonObject> currents = new HashMap<>();
    for (Mutation m : done) {
      JsonObject result = answered.get(m.mutationId);
      String status = String.valueOf(TetherClient.text(result, "status"));
      String key = m.collection + "/" + m.id;
      if ("applied".equals(status)) {
        currents.remove(key);
        long seq = result.has("seq") ? result.get("seq").getAsLong() : 0;
        if (seq > cursor) {
          settling.add(m.applied(seq));
        }
      } else if ("conflict".equals(status)) {
        if (result.has("current") && result.get("current").isJsonObject()) {
          currents.put(key, result.getAsJsonObject("current"));
        }
        conflictListeners.emit(new Events.Conflict(m, currents.get(key)));
      } else {
        JsonObject e = result.has("error") && result.get("error").isJsonObject() ? result.getAsJsonObject("error") : result;
        rejectionListeners.emit(new Events.Rejection(m, new TetherException(0, String.valueOf(TetherClient.text(e, "code")),
            String.valueOf(TetherClient.text(e, "message")))));
      }
    }
    answered(done);
  }

  private void applyChange(JsonObject change) {
    long seq = change.get("seq").getAsLong();
    if (seq <= cursor) {
      return;
    }
    String collection = change.get("collection").getAsString();
    String docId = change.get("id").getAsString();
    String key = collection + "/" + docId;
    Document known = docs.get(key);
    boolean rules = change.has("rules") && change.get("rules").getAsBoolean();
    long version = change.has("version") ? change.get("version").getAsLong() : 0;
    if ("leave".equals(TetherClient.text(change, "op"))) {
      docs.remove(key); // the rules hide it from this user now
    } else if (known == null || known.version < version || rules) {
      JsonElement data = change.get("data");
      docs.put(key, new Document(collection, docId, version, data == null || data.isJsonNull() ? null : data,
          change.has("deleted") && change.get("deleted").getAsBoolean(), false));
    }
    // A rules change comes as several changes sharing its seq: the cursor frame after them moves the cursor.
    if (!rules) {
      cursor = seq;
      settle();
      save();
    }
    changed(collection);
  }

  private void settle() {
    settling.removeIf(m -> m.seq <= cursor);
  }

  private void forget() {
    detached = true;
    gone = true;
    client.openSpaces.remove(id);
    docs = new LinkedHashMap<>();
    queue = new ArrayList<>();
    settling = new ArrayList<>();
    inflight = null;
    presence = Map.of();
    try {
      client.storage.remove("space:" + storageKey);
      client.storage.remove("queue:" + id);
    } catch (IOException e) {
      errorListeners.emit(new TetherException(0, "storage", "could not drop the saved copy: " + e.getMessage(), e));
    }
  }

  private List<Document> view(@Nullable String collection) {
    Map<String, Document> view = new LinkedHashMap<>();
    for (Map.Entry<String, Document> e : docs.entrySet()) {
      if (collection == null || e.getValue().collection.equals(collection)) {
        view.put(e.getKey(), e.getValue());
      }
    }
    List<Mutation> shown = new ArrayList<>(settling);
    shown.addAll(queue);
    for (Mutation m : shown) {
      if (collection != null && !m.collection.equals(collection)) {
        continue;
      }
      String key = m.collection + "/" + m.id;
      Document current = view.get(key);
      long version = current == null ? 0 : current.version;
      if ("delete".equals(m.op)) {
        view.put(key, new Document(m.collection, m.id, version, null, true, true));
      } else if ("put".equals(m.op)) {
        view.put(key, new Document(m.collection, m.id, version, m.data, false, true));
      } else if (current != null && !current.deleted && m.data != null) {
        view.put(key, new Document(m.collection, m.id, version, MergePatch.apply(current.data, m.data), false, true));
      }
    }
    List<Document> out = new ArrayList<>();
    for (Document d : view.values()) {
      if (!d.deleted) {
        out.add(d);
      }
    }
    out.sort(Comparator.comparing((Document d) -> d.collection).thenComparing(d -> d.id));
    return java.util.Collections.unmodifiableList(out);
  }

  /**
   * Listeners are told once for a burst: the frames already waiting on the client's thread are
   * applied first, so a catch-up of a thousand changes builds each listener's view once, not a thousand times.
   */
  private void changed(@Nullable String collection) {
    if (changeListeners.isEmpty()) {
      return;
    }
    if (collection == null) {
      allDirty = true;
    } else {
      dirty.add(collection);
    }
    if (!notifyScheduled) {
      notifyScheduled = true;
      client.post(this::notifyListeners);
    }
  }

  private void notifyListeners() {
    notifyScheduled = false;
    for (CollectionListener l : changeListeners) {
      boolean concerned = allDirty || (l.collection == null ? !dirty.isEmpty() : dirty.contains(l.collection));
      if (concerned) {
        List<Document> now = view(l.collection);
        client.callbacks.execute(() -> l.listener.accept(now));
      }
    }
    allDirty = false;
    dirty.clear();
  }

  private static String encode(String value) {
    return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
  }

  private JsonObject frame(String type) {
    JsonObject frame = new JsonObject();
    frame.addProperty("type", type);
    frame.addProperty("space", id);
    return frame;
  }

  /** Writes have left the queue: saved, shown, and the next batch sent. */
  private void answered(List<Mutation> left) {
    try {
      saveQueue();
    } catch (IOException e) {
      // Kept in memory; if the process dies now, the answered writes are sent again and answered again, not applied twice.
      errorListeners.emit(new TetherException(0, "storage", "could not save the queue: " + e.getMessage(), e));
    }
    java.util.Set<String> collections = new java.util.HashSet<>();
    left.forEach(m -> collections.add(m.collection));
    collections.forEach(this::changed);
    flush();
  }

  private void saveQueue() throws IOException {
    if (queue.isEmpty()) {
      client.storage.remove("queue:" + id);
      return;
    }
    JsonArray saved = new JsonArray();
    queue.forEach(m -> saved.add(m.toJson()));
    client.storage.write("queue:" + id, saved.toString());
  }

  /** Saved a moment later, so a burst of changes is one write. */
  private void save() {
    if (saveScheduled) {
      return;
    }
    saveScheduled = true;
    client.loop.schedule(() -> {
      if (saveScheduled) { // not saved by detach() meanwhile
        saveScheduled = false;
        saveNow();
      }
    }, SAVE_DELAY_MS, TimeUnit.MILLISECONDS);
  }

  /** The documents and their cursor in one value, so a saved cursor never runs ahead of its documents. */
  private void saveNow() {
    if (gone) {
      return;
    }
    JsonArray saved = new JsonArray();
    docs.values().forEach(d -> saved.add(d.toJson()));
    JsonObject s = new JsonObject();
    s.addProperty("cursor", cursor);
    s.addProperty("epoch", epoch);
    s.add("docs", saved);
    try {
      client.storage.write("space:" + storageKey, s.toString());
    } catch (IOException e) {
      errorListeners.emit(new TetherException(0, "storage", "could not save " + id + ": " + e.getMessage(), e));
    }
  }
}
