package io.tether.core;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A partial-sync query: one collection and conditions that must all hold on a document's data.
 * {@code where} is a list of {@code [path, op, value]}; {@code path} is a dot-separated field path.
 *
 * <p>Comparison rules, the same for sockets, REST and GraphQL:
 * <ul>
 *   <li>{@code ==} is JSON equality (numbers by value: {@code 1 == 1.0}; objects and arrays deeply);
 *       a missing field equals nothing, not even {@code null}. {@code !=} is its exact negation, so a
 *       missing field is {@code != anything}.</li>
 *   <li>{@code < <= > >=} compare values of the same JSON type only: numbers by value, strings by
 *       Unicode code point, booleans with {@code false < true}. A field of another type (or missing)
 *       never matches a range condition.</li>
 *   <li>{@code in} takes an array and holds when the field {@code ==} one of its items; {@code not-in}
 *       is its negation. {@code array-contains} holds when the field is an array with an item
 *       {@code ==} the value. {@code exists} takes {@code true} (the field is present, even as JSON
 *       null) or {@code false}.</li>
 * </ul>
 * A deleted document matches nothing.
 */
public final class Query {
  /** Most conditions one query may carry. */
  public static final int MAX_CONDITIONS = 16;
  /** Most items an {@code in} or {@code not-in} array may carry. */
  public static final int MAX_IN_ITEMS = 100;
  /** Longest query, as JSON. */
  public static final int MAX_QUERY_BYTES = 8192;

  /** One condition. */
  public record Condition(String path, List<String> segments, Op op, Object value) {}

  /** The operators. */
  public enum Op {
    EQ("=="), NE("!="), LT("<"), LE("<="), GT(">"), GE(">="), IN("in"), NOT_IN("not-in"),
    ARRAY_CONTAINS("array-contains"), EXISTS("exists");

    private final String wire;

    Op(String wire) {
      this.wire = wire;
    }

    public String wire() {
      return wire;
    }

    static Op fromWire(String wire) {
      for (Op op : values()) {
        if (op.wire.equals(wire)) {
          return op;
        }
      }
      return null;
    }
  }

  private final String collection;
  private final List<Condition> conditions;
  private final JsonObject json;
  private final int hash; // subscribers' filters are looked up per change: hashed once

  private Query(String collection, List<Condition> conditions, JsonObject json) {
    this.collection = collection;
    this.conditions = List.copyOf(conditions);
    this.json = json;
    this.hash = json.encode().hashCode();
  }

  public String collection() {
    return collection;
  }

  public List<Condition> conditions() {
    return conditions;
  }

  /**
   * The most value comparisons one document costs this query: one per condition, one per item of an
   * {@code in} or {@code not-in}. What a listing scans is sized by it.
   */
  public int comparisons() {
    int sum = 0;
    for (Condition c : conditions) {
      sum += c.value() instanceof JsonArray items && (c.op() == Op.IN || c.op() == Op.NOT_IN)
          ? Math.max(1, items.size()) : 1;
    }
    return Math.max(1, sum);
  }

  /** The query as the client would send it, normalised. */
  public JsonObject toJson() {
    return json.copy();
  }

  /**
   * Parses {@code {"collection", "where"}}; every problem is a bad request that names the part
   * that is wrong.
   */
  public static Query parse(Object raw) {
    if (!(raw instanceof JsonObject query)) {
      throw TetherException.badRequest("query must be an object: {\"collection\": …, \"where\": [[path, op, value], …]}");
    }
    if (query.toBuffer().length() > MAX_QUERY_BYTES) {
      throw TetherException.badRequest("query is longer than " + MAX_QUERY_BYTES + " bytes");
    }
    for (String key : query.fieldNames()) {
      if (!key.equals("collection") && !key.equals("where")) {
        throw TetherException.badRequest("query has an unknown field: " + key);
      }
    }
    String collection = Fields.requiredText(query, "collection");
    Ids.collection(collection);
    return new Query(collection, parseWhere(query.getValue("where")),
        new JsonObject().put("collection", collection).put("where", query.getValue("where") == null
            ? new JsonArray() : query.getJsonArray("where").copy()));
  }

  /** A {@code where} list alone (REST's {@code where} parameter), for {@code collection}. */
  public static Query of(String collection, Object where) {
    return parse(new JsonObject().put("collection", collection).put("where", where));
  }

  private static List<Condition> parseWhere(Object raw) {
    if (raw == null) {
      return List.of();
    }
    if (!(raw instanceof JsonArray where)) {
      throw TetherException.badRequest("query.where must be an array of [path, op, value]");
    }
    if (where.size() > MAX_CONDITIONS) {
      throw TetherException.badRequest("query.where has more than " + MAX_CONDITIONS + " conditions");
    }
    List<Condition> conditions = new ArrayList<>(where.size());
    for (int i = 0; i < where.size(); i++) {
      conditions.add(condition(i, where.getValue(i)));
    }
    return conditions;
  }

  private static Condition condition(int i, Object raw) {
    String at = "query.where[" + i + "]";
    if (!(raw instanceof JsonArray c) || c.size() != 3) {
      throw TetherException.badRequest(at + " must be [path, op, value]");
    }
    if (!(c.getValue(0) instanceof String path) || path.isEmpty() || path.length() > 256) {
      throw TetherException.badRequest(at + ": path must be a field path such as \"assignee\" or \"address.city\"");
    }
    List<String> segments = List.of(path.split("\\.", -1));
    if (segments.stream().anyMatch(String::isEmpty)) {
      throw TetherException.badRequest(at + ": path " + path + " has an empty segment");
    }
    if (!(c.getValue(1) instanceof String opText) || Op.fromWire(opText) == null) {
      throw TetherException.badRequest(at + ": op must be one of == != < <= > >= in not-in array-contains exists");
    }
    Op op = Op.fromWire(opText);
    Object value = c.getValue(2);
    switch (op) {
      case IN, NOT_IN -> {
        if (!(value instanceof JsonArray items) || items.size() > MAX_IN_ITEMS) {
          throw TetherException.badRequest(at + ": " + op.wire() + " takes an array of at most " + MAX_IN_ITEMS + " values");
        }
      }
      case EXISTS -> {
        if (!(value instanceof Boolean)) {
          throw TetherException.badRequest(at + ": exists takes true or false");
        }
      }
      case LT, LE, GT, GE -> {
        if (!(value instanceof Number || value instanceof String || value instanceof Boolean)) {
          throw TetherException.badRequest(at + ": " + op.wire() + " compares a number, a string or a boolean");
        }
      }
      default -> { }
    }
    return new Condition(path, segments, op, value);
  }

  /** Whether a document of {@code collection} with {@code data} (null: deleted or absent) matches. */
  public boolean matches(String collection, JsonObject data) {
    if (data == null || !this.collection.equals(collection)) {
      return false;
    }
    for (Condition c : conditions) {
      if (!holds(c, data)) {
        return false;
      }
    }
    return true;
  }

  private static final Object MISSING = new Object();

  private static boolean holds(Condition c, JsonObject data) {
    Object field = resolve(data, c.segments());
    return switch (c.op()) {
      case EQ -> field != MISSING && jsonEquals(field, c.value());
      case NE -> field == MISSING || !jsonEquals(field, c.value());
      case LT -> ranked(field, c.value(), r -> r < 0);
      case LE -> ranked(field, c.value(), r -> r <= 0);
      case GT -> ranked(field, c.value(), r -> r > 0);
      case GE -> ranked(field, c.value(), r -> r >= 0);
      case IN -> field != MISSING && anyEquals((JsonArray) c.value(), field);
      case NOT_IN -> field == MISSING || !anyEquals((JsonArray) c.value(), field);
      case ARRAY_CONTAINS -> field instanceof JsonArray array && anyEquals(array, c.value());
      case EXISTS -> (field != MISSING) == (Boolean) c.value();
    };
  }

  private static boolean ranked(Object field, Object value, java.util.function.IntPredicate holds) {
    Integer r = compare(field, value);
    return r != null && holds.test(r);
  }

  private static Object resolve(JsonObject data, List<String> segments) {
    Object at = data;
    for (String segment : segments) {
      if (!(at instanceof JsonObject object) || !object.containsKey(segment)) {
        return MISSING;
      }
      at = object.getValue(segment);
    }
    return at;
  }

  private static boolean anyEquals(JsonArray items, Object value) {
    for (Object item : items) {
      if (jsonEquals(item, value)) {
        return true;
      }
    }
    return false;
  }

  /** Null when the two are not of one comparable type. */
  private static Integer compare(Object field, Object value) {
    if (field instanceof Number a && value instanceof Number b) {
      return decimal(a).compareTo(decimal(b));
    }
    if (field instanceof String a && value instanceof String b) {
      return Integer.signum(compareCodePoints(a, b));
    }
    if (field instanceof Boolean a && value instanceof Boolean b) {
      return Boolean.compare(a, b);
    }
    return null;
  }

  static int compareCodePoints(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Boolean.compare(i < a.length(), j < b.length());
  }

  static boolean jsonEquals(Object a, Object b) {
    if (a == null || b == null) {
      return a == b;
    }
    if (a instanceof Number x && b instanceof Number y) {
      return decimal(x).compareTo(decimal(y)) == 0;
    }
    if (a instanceof JsonObject x && b instanceof JsonObject y) {
      if (x.size() != y.size()) {
        return false;
      }
      for (Map.Entry<String, Object> e : x) {
        if (!y.containsKey(e.getKey()) || !jsonEquals(e.getValue(), y.getValue(e.getKey()))) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof JsonArray x && b instanceof JsonArray y) {
      if (x.size() != y.size()) {
        return false;
      }
      for (int i = 0; i < x.size(); i++) {
        if (!jsonEquals(x.getValue(i), y.getValue(i))) {
          return false;
        }
      }
      return true;
    }
    return a.equals(b);
  }

  private static BigDecimal decimal(Number n) {
    if (n instanceof BigDecimal d) {
      return d;
    }
    if (n instanceof Double || n instanceof Float) {
      return BigDecimal.valueOf(n.doubleValue());
    }
    if (n instanceof java.math.BigInteger i) {
      return new BigDecimal(i);
    }
    return BigDecimal.valueOf(n.longValue());
  }

  @Override
  public boolean equals(Object o) {
    return o == this || o instanceof Query q && q.hash == hash && q.json.equals(json);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public String toString() {
    return json.encode();
  }
}
