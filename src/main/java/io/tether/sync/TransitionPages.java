package io.tether.sync;

import io.tether.core.Change;
import io.tether.core.ChangeFrame;
import io.tether.rules.Reading;
import io.tether.service.ReadService;
import io.tether.store.DocumentStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;


/**
 * The pages of a space's documents as they were before a rules change, and the frames each distinct
 * pair of readings (before and after the change) makes of them, shared by the subscriptions of one
 * feed that meet the change: a thousand live sockets of a loop cost one scan of the documents, and
 * equal readings one judgement per document. Entries live a few seconds (a rules change reaches the
 * live subscriptions of a loop at once), bounded in bytes; past the bound a page is read and judged
 * for its subscription alone. Confined to the feed's event loop.
 */
final class TransitionPages {
  static final int PAGE = 200;
  static final long MAX_BYTES = 32L * 1024 * 1024;
  static final long KEEP_MILLIS = 5000;

  /** What one page means to one pair of readings: the frames to send, where the next page starts. */
  record Told(List<String> frames, DocumentStore.PageStart last, boolean more) {}

  private record PageKey(long seq, DocumentStore.PageStart start) {}

  private record ToldKey(PageKey page, Reading before, Reading after) {}

  private final Vertx vertx;
  private final ReadService reads;
  private final Map<PageKey, Future<DocumentStore.States>> pages = new HashMap<>();
  private final Map<ToldKey, Future<Told>> told = new HashMap<>();
  private long bytes;

  TransitionPages(Vertx vertx, ReadService reads) {
    this.vertx = vertx;
    this.reads = reads;
  }

  /** The frames of the page starting at {@code start} for a subscriber going from {@code before} to {@code after}. */
  Future<Told> page(ChangeFrame change, DocumentStore.PageStart start, Reading before, Reading after) {
    PageKey pageKey = new PageKey(change.seq(), start);
    ToldKey key = new ToldKey(pageKey, before, after);
    Future<Told> known = told.get(key);
    if (known != null) {
      return known;
    }
    Future<Told> made = states(change.space(), pageKey).map(states -> tell(change, states, before, after));
    keep(told, key, made, t -> t.frames().stream().mapToLong(String::length).sum());
    return made;
  }

  private Future<DocumentStore.States> states(String space, PageKey key) {
    Future<DocumentStore.States> known = pages.get(key);
    if (known != null) {
      return known;
    }
    Future<DocumentStore.States> read = reads.statesBefore(space, key.seq(), key.start(), PAGE);
    keep(pages, key, read, s -> s.states().stream().mapToLong(st -> 100 + (st.dataJson() == null ? 0 : st.dataJson().length())).sum());
    return read;
  }

  private <K, V> void keep(Map<K, Future<V>> map, K key, Future<V> value, java.util.function.ToLongFunction<V> size) {
    if (bytes >= MAX_BYTES) {
      return;
    }
    map.put(key, value);
    value.onComplete(ar -> {
      long held = ar.succeeded() ? size.applyAsLong(ar.result()) : 0;
      if (ar.failed()) {
        map.remove(key, value);
        return;
      }
      bytes += held;
      vertx.setTimer(KEEP_MILLIS, id -> {
        if (map.remove(key, value)) {
          bytes -= held;
        }
      });
    });
  }

  private static Told tell(ChangeFrame change, DocumentStore.States page, Reading before, Reading after) {
    List<String> frames = new ArrayList<>();
    for (DocumentStore.State state : page.states()) {
      JsonObject data = state.dataJson() == null ? null : new JsonObject(state.dataJson());
      boolean saw = before.sees(state.collection(), state.id(), data);
      boolean sees = after.sees(state.collection(), state.id(), data);
      if (saw && !sees) {
        frames.add(new JsonObject().put("type", FrameType.CHANGE.wire()).mergeIn(Change.leave(change.space(),
            change.seq(), state.collection(), state.id(), state.version(), false, change.actor(), change.ts()))
            .put("rules", true).encode());
      } else if (sees && !saw) {
        frames.add(new JsonObject(Change.frame(change.space(), change.seq(), state.collection(), state.id(),
            Change.Op.PUT.wire(), state.version(), state.dataJson(), false, null, change.actor(), change.ts()))
            .put("rules", true).encode());
      }
    }
    return new Told(frames, page.last(), page.hasMore());
  }

  @Override
  public String toString() {
    return "TransitionPages[" + pages.size() + " pages, " + told.size() + " judged, " + bytes + " bytes]";
  }

}
