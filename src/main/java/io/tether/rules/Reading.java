package io.tether.rules;

import io.tether.core.DocumentFilter;
import io.tether.core.Viewer;
import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * What one reader sees of a space: the documents its rules let the viewer read, narrowed by the
 * reader's filter (null: every document). Equal readings see the same, so a change is judged once
 * for all of them: when the rules have no read rule, who the viewer is does not count. Immutable.
 */
public final class Reading {
  private final Rules rules;
  private final Viewer viewer;
  private final DocumentFilter filter;
  private final int hash;

  public Reading(Rules rules, Viewer viewer, DocumentFilter filter) {
    this.rules = rules;
    this.viewer = viewer;
    this.filter = filter;
    this.hash = Objects.hash(System.identityHashCode(rules), rules.hasReadRules() ? viewer : null, filter);
  }

  public Rules rules() {
    return rules;
  }

  public Viewer viewer() {
    return viewer;
  }

  public DocumentFilter filter() {
    return filter;
  }

  /** The same reader under other rules. */
  public Reading under(Rules other) {
    return new Reading(other, viewer, filter);
  }

  /** Whether this reader sees less than every document of the space. */
  public boolean narrowed() {
    return filter != null || rules.hasReadRules();
  }

  /** Whether the reader sees the document ({@code data} null: there is none). */
  public boolean sees(String collection, String id, JsonObject data) {
    return sees(collection, id, data, (Rules.Budget) null);
  }

  /** The same, the rules' steps taken from the request's {@code budget} too (null: none). */
  public boolean sees(String collection, String id, JsonObject data, Rules.Budget budget) {
    return data != null && (filter == null || filter.matches(collection, data))
        && rules.canRead(viewer, collection, id, data, budget);
  }

  private boolean sees(String collection, String id, JsonObject data, Rules.Document converted) {
    return data != null && (filter == null || filter.matches(collection, data))
        && rules.canReadConverted(viewer, collection, id, converted);
  }

  /** What a change means to this reader: the change, a leave (it saw the document before, not after), or nothing. */
  public DocumentFilter.Verdict judge(String collection, String id, JsonObject before, JsonObject after) {
    boolean convert = rules.hasReadRules();
    return judge(collection, id, before, convert ? Rules.document(before) : null, after,
        convert ? Rules.document(after) : null);
  }

  /** The same with the data already converted for the rules (once per change, for every reader). */
  public DocumentFilter.Verdict judge(String collection, String id, JsonObject before, Rules.Document beforeDoc,
                                      JsonObject after, Rules.Document afterDoc) {
    if (sees(collection, id, after, afterDoc)) {
      return DocumentFilter.Verdict.DELIVER;
    }
    return sees(collection, id, before, beforeDoc) ? DocumentFilter.Verdict.LEAVE : DocumentFilter.Verdict.SKIP;
  }

  @Override
  public boolean equals(Object o) {
    return o == this || o instanceof Reading r && r.hash == hash && r.rules == rules
        && Objects.equals(filter, r.filter) && (!rules.hasReadRules() || Objects.equals(viewer, r.viewer));
  }

  @Override
  public int hashCode() {
    return hash;
  }
}
