package io.tether.sync;

import io.tether.core.ChangeFrame;
import io.tether.core.DocumentFilter;
import io.tether.rules.Reading;
import io.tether.rules.Rules;
import java.util.HashMap;
import java.util.Map;

/**
 * What the change being delivered means to each distinct reading among a feed's subscribers (the
 * same rules, filter and, where a read rule makes it count, the same viewer): a live change handed
 * to a thousand sockets of one query is judged once, not a thousand times, and the document is
 * converted for the rules once for every reading. Holds the verdicts of one change at a time.
 * Confined to the feed's event loop.
 */
final class Verdicts {
  private ChangeFrame of;
  private boolean converted;
  private Rules.Document before;
  private Rules.Document after;
  private final Map<Reading, DocumentFilter.Verdict> cached = new HashMap<>();

  DocumentFilter.Verdict judge(ChangeFrame change, Reading reading) {
    if (change != of) {
      of = change;
      cached.clear();
      converted = false;
      before = null;
      after = null;
    }
    DocumentFilter.Verdict known = cached.get(reading);
    if (known != null) {
      return known;
    }
    if (!converted && reading.rules().hasReadRules()) {
      converted = true;
      before = Rules.document(change.before());
      after = Rules.document(change.after());
    }
    DocumentFilter.Verdict verdict = reading.judge(change.collection(), change.id(), change.before(), before,
        change.after(), after);
    cached.put(reading, verdict);
    return verdict;
  }
}
