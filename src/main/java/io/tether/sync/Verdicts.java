package io.tether.sync;

import io.tether.core.ChangeFrame;
import io.tether.core.DocumentFilter;
import java.util.HashMap;
import java.util.Map;

/**
 * What the change being delivered means to each distinct filter among a feed's subscribers: a live
 * change handed to a thousand sockets with the same query is judged once, not a thousand times.
 * Holds the verdicts of one change at a time (as many as there are distinct filters). Confined to
 * the feed's event loop.
 */
final class Verdicts {
  private ChangeFrame of;
  private final Map<DocumentFilter, DocumentFilter.Verdict> cached = new HashMap<>();

  DocumentFilter.Verdict judge(ChangeFrame change, DocumentFilter filter) {
    if (change != of) {
      of = change;
      cached.clear();
    }
    return cached.computeIfAbsent(filter, f -> f.judge(change.collection(), change.before(), change.after()));
  }
}
