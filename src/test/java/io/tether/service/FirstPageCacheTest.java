package io.tether.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.store.DocumentStore;
import org.junit.jupiter.api.Test;

/** Issue 16, item 2: the cache is bounded by the characters of all its pages, not only by their count. */
class FirstPageCacheTest {

  private static DocumentStore.Page page(int documents, int charsEach) {
    return new DocumentStore.Page(java.util.Collections.nCopies(documents, "x".repeat(charsEach)),
        DocumentStore.PageStart.FIRST, 7, "e", false);
  }

  @Test
  void manyLargePagesStayWithinTheTotal() {
    FirstPageCache cache = new FirstPageCache(1000, 10_000_000);
    // The attack: the same 15 large documents listed at every limit from 15 to 1,000, each a new key.
    for (int limit = 15; limit <= 1000; limit++) {
      cache.put(FirstPageCache.key("s", null, limit, false), page(15, 60_000));
    }
    assertThat(cache.totalChars()).isLessThanOrEqualTo(10_000_000);
    assertThat(cache.get(FirstPageCache.key("s", null, 1000, false), 7, "e")).as("the newest stays").isNotNull();
    assertThat(cache.get(FirstPageCache.key("s", null, 15, false), 7, "e")).as("the oldest went first").isNull();
  }

  @Test
  void aPageOverATenthOfTheTotalIsNotKept() {
    FirstPageCache cache = new FirstPageCache(1000, 1_000_000);
    cache.put(FirstPageCache.key("s", null, 100, false), page(2, 60_000));
    assertThat(cache.totalChars()).isZero();
    cache.put(FirstPageCache.key("s", null, 100, false), page(1, 50_000));
    assertThat(cache.totalChars()).isEqualTo(50_000);
    cache.put(FirstPageCache.key("s", null, 100, false), page(1, 40_000));
    assertThat(cache.totalChars()).as("a replaced page is not counted twice").isEqualTo(40_000);
    assertThat(new FirstPageCache(0, 1_000_000)).satisfies(off -> {
      off.put("k", page(1, 10));
      assertThat(off.totalChars()).isZero();
    });
  }
}
