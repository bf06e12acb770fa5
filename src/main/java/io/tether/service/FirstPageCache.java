package io.tether.service;

import io.tether.store.DocumentStore;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The first page of recent listings, each valid exactly as long as its space's head and epoch have
 * not moved (every write moves the head): many phones loading the same space cost one head lookup
 * each instead of a listing query. Bounded by entries and by the characters of all pages together
 * (least recently used first out), and no page larger than a tenth of that is kept; shared by the
 * node's event loops.
 */
public final class FirstPageCache {
  private final int maxEntries;
  private final long maxTotalChars;
  private final long maxPageChars;
  private long totalChars;
  private final Map<String, DocumentStore.Page> pages;
  private final AtomicLong hits = new AtomicLong();
  private final AtomicLong misses = new AtomicLong();

  public FirstPageCache(int maxEntries, long maxTotalChars) {
    this.maxEntries = maxEntries;
    this.maxTotalChars = maxTotalChars;
    this.maxPageChars = maxTotalChars / 10;
    this.pages = new LinkedHashMap<>(16, 0.75f, true);
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
    long chars = chars(page);
    if (maxEntries == 0 || chars > maxPageChars) {
      return;
    }
    synchronized (pages) {
      DocumentStore.Page replaced = pages.put(key, page);
      totalChars += chars - (replaced == null ? 0 : chars(replaced));
      var eldest = pages.entrySet().iterator();
      while ((pages.size() > maxEntries || totalChars > maxTotalChars) && eldest.hasNext()) {
        totalChars -= chars(eldest.next().getValue());
        eldest.remove();
      }
    }
  }

  /** Characters held, all pages together; for tests and the metrics. */
  public long totalChars() {
    synchronized (pages) {
      return totalChars;
    }
  }

  private static long chars(DocumentStore.Page page) {
    long chars = 0;
    for (String document : page.documentsJson()) {
      chars += document.length();
    }
    return chars;
  }

  public long hits() {
    return hits.get();
  }

  public long misses() {
    return misses.get();
  }
}
