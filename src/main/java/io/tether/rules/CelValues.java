package io.tether.rules;

import dev.cel.common.values.NullValue;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON as CEL sees it: objects are maps, arrays lists, every integer a long (CEL's int), every other
 * number a double, JSON null CEL's null. Converted once per document and shared by every evaluation.
 */
final class CelValues {
  private CelValues() {}

  /** The document's data as a CEL map, or CEL null for no document. */
  static Object of(JsonObject data) {
    return data == null ? NullValue.NULL_VALUE : map(data.getMap());
  }

  private static Map<String, Object> map(Map<String, Object> json) {
    Map<String, Object> out = new HashMap<>(Math.max(4, json.size() * 2));
    json.forEach((key, value) -> out.put(key, value(value)));
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Object value(Object value) {
    if (value == null) {
      return NullValue.NULL_VALUE;
    }
    if (value instanceof String || value instanceof Boolean || value instanceof Long || value instanceof Double) {
      return value;
    }
    if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof BigInteger big) {
      return big.bitLength() < 64 ? (Object) big.longValue() : (Object) big.doubleValue();
    }
    if (value instanceof BigDecimal || value instanceof Float) {
      return ((Number) value).doubleValue();
    }
    if (value instanceof JsonObject object) {
      return map(object.getMap());
    }
    if (value instanceof Map<?, ?> object) {
      return map((Map<String, Object>) object);
    }
    if (value instanceof JsonArray array) {
      return list(array.getList());
    }
    if (value instanceof List<?> array) {
      return list(array);
    }
    return value.toString();
  }

  private static List<Object> list(List<?> json) {
    List<Object> out = new ArrayList<>(json.size());
    json.forEach(v -> out.add(value(v)));
    return out;
  }
}
