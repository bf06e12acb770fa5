package io.tether.core;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * What one subscription (or listing) asks for: documents matching any of its queries. What a change
 * means to a subscriber (the change, a {@code leave}, or nothing) is judged by its reading, which
 * combines this filter with the space's rules.
 */
public final class DocumentFilter {
  /** Most queries one subscription may carry. */
  public static final int MAX_QUERIES = 8;

  /** What a change means to a filtered subscriber. */
  public enum Verdict { DELIVER, LEAVE, SKIP }

  private final List<Query> queries;

  private final int hash;

  private DocumentFilter(List<Query> queries) {
    this.queries = List.copyOf(queries);
    this.hash = this.queries.hashCode();
  }

  public static DocumentFilter of(Query query) {
    return new DocumentFilter(List.of(query));
  }

  /**
   * The filter of a subscribe frame: {@code query} (one) or {@code queries} (an array), not both;
   * null when it has neither (the whole space).
   */
  public static DocumentFilter fromFrame(JsonObject frame) {
    Object one = frame.getValue("query");
    Object many = frame.getValue("queries");
    if (one != null && many != null) {
      throw TetherException.badRequest("send query or queries, not both");
    }
    if (one != null) {
      return of(Query.parse(one));
    }
    if (many == null) {
      return null;
    }
    if (!(many instanceof JsonArray array) || array.isEmpty() || array.size() > MAX_QUERIES) {
      throw TetherException.badRequest("queries must be an array of 1 to " + MAX_QUERIES + " queries");
    }
    List<Query> queries = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      try {
        queries.add(Query.parse(array.getValue(i)));
      } catch (TetherException e) {
        throw TetherException.badRequest("queries[" + i + "]: " + e.getMessage());
      }
    }
    return new DocumentFilter(queries);
  }

  public List<Query> queries() {
    return queries;
  }

  /** The most value comparisons one document costs this filter (see {@link Query#comparisons}). */
  public int comparisons() {
    return queries.stream().mapToInt(Query::comparisons).sum();
  }

  public boolean matches(String collection, JsonObject data) {
    for (Query q : queries) {
      if (q.matches(collection, data)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public boolean equals(Object o) {
    return o == this || o instanceof DocumentFilter f && f.hash == hash && f.queries.equals(queries);
  }

  @Override
  public int hashCode() {
    return hash;
  }
}
