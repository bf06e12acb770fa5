package io.tether.config;

import io.vertx.core.json.JsonArray;
import java.util.Locale;

/**
 * One configuration key: its dotted path in {@code conf/config.json}, the environment variable that
 * overrides it, its type, its default and what it means. The catalog in {@link Settings} is the single
 * place that lists them; src/site/markdown/configuration.md and {@code conf/config.json} are checked against it by a test.
 */
public record Setting(String path, Type type, Object defaultValue, String env, String description) {

  /** The value types a setting may have. */
  public enum Type { INT, LONG, BOOLEAN, STRING, JSON }

  public static Setting of(String path, Type type, Object defaultValue, String description) {
    return new Setting(path, type, defaultValue, envNameOf(path), description);
  }

  /** Same, with an environment variable name that does not follow the section_key rule. */
  public Setting withEnv(String envName) {
    return new Setting(path, type, defaultValue, envName, description);
  }

  /** {@code sync.pingIntervalSeconds} becomes {@code TETHER_SYNC_PING_INTERVAL_SECONDS}. */
  static String envNameOf(String path) {
    StringBuilder env = new StringBuilder("TETHER_");
    for (char c : path.toCharArray()) {
      if (c == '.') {
        env.append('_');
      } else if (Character.isUpperCase(c)) {
        env.append('_').append(c);
      } else {
        env.append(Character.toUpperCase(c));
      }
    }
    return env.toString().toUpperCase(Locale.ROOT);
  }

  /** Converts a raw value (from JSON or from the environment) to this setting's type, or says why not. */
  public Object coerce(Object raw) {
    if (raw == null) {
      return null;
    }
    String text = raw.toString().trim();
    try {
      return switch (type) {
        case INT -> raw instanceof Number n ? exactInt(n) : Integer.parseInt(text);
        case LONG -> raw instanceof Number n ? n.longValue() : Long.parseLong(text);
        case BOOLEAN -> parseBoolean(raw, text);
        case STRING -> text.isEmpty() ? null : text;
        case JSON -> raw instanceof JsonArray array ? array : parseArray(text);
      };
    } catch (NumberFormatException e) {
      throw new ConfigException(path, "expected " + type.name().toLowerCase(Locale.ROOT) + ", got '" + text + "'");
    }
  }

  private JsonArray parseArray(String text) {
    try {
      return new JsonArray(text);
    } catch (RuntimeException e) {
      throw new ConfigException(path, "expected a JSON array, got '" + text + "'");
    }
  }

  private int exactInt(Number n) {
    if (n.doubleValue() != n.intValue()) {
      throw new ConfigException(path, "expected an integer, got " + n);
    }
    return n.intValue();
  }

  private Boolean parseBoolean(Object raw, String text) {
    if (raw instanceof Boolean b) {
      return b;
    }
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "true", "1", "yes" -> true;
      case "false", "0", "no" -> false;
      default -> throw new ConfigException(path, "expected true or false, got '" + text + "'");
    };
  }
}
