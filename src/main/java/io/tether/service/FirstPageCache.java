package io.tether.service;

import io.tether.store.DocumentStore;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The first page of recent listings, each valid exactly as long as its space's head and epoch have
 * not moved (every write moves the head): many phones loading the same space cost one head lookup
 * each instead of a listing query. Bounded by entries (least recently used first out) and by the
 * size of one page; shared by the node's event loops.
 */
public final class FirstPageCache {
  private final int maxEntries;
  private final long maxPageChars;
  private final Map<String, DocumentStore.Page> pages;
  private final AtomicLong hits = new AtomicLong();
  private final AtomicLong misses = new AtomicLong();

  public FirstPageCache(int maxEntries, long maxPageChars) {
    this.maxEntries = maxEntries;
    this.maxPageChars = maxPageChars;
    this.pages = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, DocumentStore.Page> eldest) {
        return size() > FirstPageCache.this.maxEntries;
      }
    };
  }

  static String key(String space, String collection, int limit, boolean includeDeleted) {
    return space + '\u0000' + (collection == null ? "" : collection) + '\u0000' + limit + '\u0000' + includeDeleted;
  }

  /** The cached page if it was read at exactly this head and epoch. */
  DocumentStore.Page get(String key, long headSeq, String epoch) {
    DocumentStore.Page page;
    synchronized (pages) {
      page = pages.get(key);
    }
    if (page != null && page.headSeq() == headSeq && page.epoch().equals(epoch)) {
      hits.incrementAndGet();
      return page;
    }
    misses.incrementAndGet();
    return null;
  }

  void put(String key, DocumentStore.Page page) {
    long chars = 0;
    for (String document : page.documentsJson()) {
      chars += document.length();
    }
    if (maxEntries > 0 && chars <= maxPageChars) {
      synchronized (pages) {
        pages.put(key, page);
      }
    }
  }

  public long hits() {
    return hits.get();
  }

  public long misses() {
    return misses.get();
  }
}
