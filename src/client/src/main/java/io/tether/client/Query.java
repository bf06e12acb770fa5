package io.tether.client;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;

/**
 * A filter on one collection for {@link TetherClient#space(String, Query)}: the local copy is the
 * server's filtered listing, kept current, and documents that stop matching leave it. Conditions
 * are {@code [path, op, value]} as the protocol has them ({@code ==}, {@code !=}, {@code <}, …),
 * all of which must hold.
 */
public final class Query {
  private final String collection;
  private final JsonArray where = new JsonArray();

  private Query(String collection) {
    this.collection = collection;
  }

  public static Query collection(String collection) {
    return new Query(collection);
  }

  public Query where(String path, String op, JsonElement value) {
    JsonArray condition = new JsonArray();
    condition.add(path);
    condition.add(op);
    condition.add(value.deepCopy());
    where.add(condition);
    return this;
  }

  public Query where(String path, String op, String value) {
    return where(path, op, new JsonPrimitive(value));
  }

  public Query where(String path, String op, Number value) {
    return where(path, op, new JsonPrimitive(value));
  }

  public Query where(String path, String op, boolean value) {
    return where(path, op, new JsonPrimitive(value));
  }

  public String collectionName() {
    return collection;
  }

  JsonArray conditions() {
    return where.deepCopy();
  }

  JsonObject toJson() {
    JsonObject o = new JsonObject();
    o.addProperty("collection", collection);
    o.add("where", conditions());
    return o;
  }
}
