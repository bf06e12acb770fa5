package io.tether.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds the records of {@link TetherConfig} from resolved settings by name: component {@code port}
 * of the record bound at {@code http} takes {@code http.port}, a component that is itself a record
 * takes the section below it ({@code push.fcm}), and a list of records takes a JSON array of objects
 * whose keys are its components. So a key is spelled once, in {@link Settings}; a component with no
 * setting, or a setting no component takes, is a programming error reported at start.
 */
final class ConfigBinder {
  private ConfigBinder() {}

  static <R extends Record> R bind(Class<R> type, Map<String, Object> values) {
    Set<String> used = new HashSet<>();
    R bound = bind(type, "", values, used);
    Set<String> unused = new HashSet<>(values.keySet());
    unused.removeAll(used);
    if (!unused.isEmpty()) {
      throw new IllegalStateException("settings no configuration record takes: " + unused);
    }
    return bound;
  }

  private static <R extends Record> R bind(Class<R> type, String prefix, Map<String, Object> values, Set<String> used) {
    RecordComponent[] components = type.getRecordComponents();
    Object[] args = new Object[components.length];
    for (int i = 0; i < components.length; i++) {
      RecordComponent c = components[i];
      String key = prefix + c.getName();
      if (c.getType().isRecord()) {
        args[i] = bind(c.getType().asSubclass(Record.class), key + ".", values, used);
      } else if (!values.containsKey(key)) {
        throw new IllegalStateException(type.getSimpleName() + "." + c.getName() + " has no setting " + key);
      } else {
        used.add(key);
        args[i] = value(key, values.get(key), c.getGenericType());
      }
    }
    return construct(type, components, args);
  }

  private static Object value(String key, Object value, Type target) {
    if (value instanceof JsonArray array && target instanceof ParameterizedType list
        && list.getActualTypeArguments()[0] instanceof Class<?> element && element.isRecord()) {
      List<Object> items = new ArrayList<>();
      for (Object item : array) {
        if (!(item instanceof JsonObject json)) {
          throw new ConfigException(key, "each entry must be an object");
        }
        items.add(fromJson(key, element.asSubclass(Record.class), json));
      }
      return List.copyOf(items);
    }
    return value;
  }

  private static <R extends Record> R fromJson(String key, Class<R> type, JsonObject json) {
    RecordComponent[] components = type.getRecordComponents();
    Object[] args = new Object[components.length];
    for (int i = 0; i < components.length; i++) {
      Object field = json.getValue(components[i].getName());
      if (field != null && !components[i].getType().isInstance(field)) {
        throw new ConfigException(key, components[i].getName() + " must be a " + components[i].getType().getSimpleName());
      }
      args[i] = field;
    }
    return construct(type, components, args);
  }

  private static <R extends Record> R construct(Class<R> type, RecordComponent[] components, Object[] args) {
    Class<?>[] types = new Class<?>[components.length];
    for (int i = 0; i < components.length; i++) {
      types[i] = components[i].getType();
    }
    try {
      return type.getDeclaredConstructor(types).newInstance(args);
    } catch (InvocationTargetException e) {
      // The records' own checks (across keys) throw ConfigException: let it through as it is.
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException(e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot build " + type.getName(), e);
    }
  }
}
