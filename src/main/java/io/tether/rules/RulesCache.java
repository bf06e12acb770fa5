package io.tether.rules;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Compiled rules by their text, so a version is compiled once per node however many spaces,
 * subscriptions and writes use it; and by (space, seq) of the version, so the current rules of a
 * space cost no query once known. Versions never change; only a deleted space's are forgotten (a space
 * created later under its id numbers its versions afresh). Bounded in
 * entries and, through {@link Rules#MAX_BYTES}, in bytes: past the bound it starts over. Thread-safe.
 */
public final class RulesCache {
  private final int maxEntries;
  private final Map<String, Rules> byText = new ConcurrentHashMap<>();
  private final Map<String, Rules> byVersion = new ConcurrentHashMap<>();

  public RulesCache(int maxEntries) {
    this.maxEntries = maxEntries;
  }

  /** The compiled rules of {@code spec} (checked when they were set; a 400 if they are not valid). */
  public Rules compile(JsonObject spec) {
    if (spec == null || spec.isEmpty()) {
      return Rules.NONE;
    }
    String text = spec.encode();
    Rules known = byText.get(text);
    if (known != null) {
      return known;
    }
    Rules compiled = Rules.compile(spec);
    if (byText.size() >= maxEntries) {
      byText.clear();
    }
    byText.put(text, compiled);
    return compiled;
  }

  /** The rules set at {@code seq} in {@code space}, if this node knows them. */
  public Rules version(String space, long seq) {
    return seq == 0 ? Rules.NONE : byVersion.get(space + '\u0000' + seq);
  }

  /** Forgets the versions of a deleted space. */
  public void forget(String space) {
    String prefix = space + '\u0000';
    byVersion.keySet().removeIf(k -> k.startsWith(prefix));
  }

  /** Forgets every space's versions (a deletion may have been missed); compiled texts stay. */
  public void forgetVersions() {
    byVersion.clear();
  }

  public void remember(String space, long seq, Rules rules) {
    if (byVersion.size() >= maxEntries) {
      byVersion.clear();
    }
    byVersion.put(space + '\u0000' + seq, rules);
  }
}
