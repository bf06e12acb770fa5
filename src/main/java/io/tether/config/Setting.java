package io.tether.config;

import io.vertx.core.json.JsonArray;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One configuration key: its dotted path in {@code conf/config.json}, the environment variable that
 * overrides it, its type, its default, what it means, and which values it accepts. The catalog in
 * {@link Settings} is the single place that lists them; the records of {@link TetherConfig} are bound
 * to it by name, and src/site/markdown/configuration.md and {@code conf/config.json} are checked
 * against it by a test.
 */
public record Setting(String path, Type type, Object defaultValue, String env, String description, Rule rule) {

  /** The value types a setting may have. LIST is comma-separated text; JSON is a JSON array. */
  public enum Type { INT, BOOLEAN, STRING, LIST, JSON }

  /** What a setting accepts beyond its type: checks the coerced value, may normalize it, throws otherwise. */
  @FunctionalInterface
  public interface Rule {
    Object check(String path, Object value);
  }

  /**
   * A new key. By default an INT must be 1 or more, and a STRING with a default must not be empty
   * (clearing it in the environment is a mistake, not a way to turn it off); narrow or widen with
   * {@link #range}, {@link #oneOf}, {@link #matching} and {@link #minLength}.
   */
  public static Setting of(String path, Type type, Object defaultValue, String description) {
    Rule rule = type == Type.INT ? range(1L, Integer.MAX_VALUE)
        : type == Type.STRING && defaultValue != null ? Setting::nonEmpty
        : (p, v) -> v;
    return new Setting(path, type, defaultValue, envNameOf(path), description, rule);
  }

  /** Same, with an environment variable name that does not follow the section_key rule. */
  public Setting withEnv(String envName) {
    return new Setting(path, type, defaultValue, envName, description, rule);
  }

  /** An INT between {@code min} and {@code max}, both included. */
  public Setting range(int min, int max) {
    return with(range((long) min, max));
  }

  /** A STRING that is one of {@code values}, compared ignoring case and normalized to the listed spelling. */
  public Setting oneOf(String... values) {
    List<String> allowed = Arrays.asList(values);
    return with((p, v) -> {
      String given = (String) nonEmpty(p, v);
      return allowed.stream().filter(a -> a.equalsIgnoreCase(given)).findFirst()
          .orElseThrow(() -> new ConfigException(p, "must be " + String.join(", ", allowed) + "; got '" + given + "'"));
    });
  }

  /** A STRING, when set, matching {@code regex}; {@code expected} tells the operator what that means. */
  public Setting matching(String regex, String expected) {
    Pattern pattern = Pattern.compile(regex);
    return with((p, v) -> {
      if (v != null && !pattern.matcher((String) v).matches()) {
        throw new ConfigException(p, "expected " + expected);
      }
      return v;
    });
  }

  /** A STRING, when set, of at least {@code length} characters. */
  public Setting minLength(int length) {
    return with((p, v) -> {
      if (v != null && ((String) v).length() < length) {
        throw new ConfigException(p, "must be at least " + length + " characters");
      }
      return v;
    });
  }

  /** The value, coerced from raw (JSON or environment text) to this setting's type, then checked. */
  public Object resolve(Object raw) {
    return rule.check(path, coerce(raw));
  }

  private Setting with(Rule replacement) {
    return new Setting(path, type, defaultValue, env, description, replacement);
  }

  private static Rule range(long min, long max) {
    return (p, v) -> {
      int value = (Integer) v;
      if (value < min || value > max) {
        throw new ConfigException(p, "must be between " + min + " and " + max + ", got " + value);
      }
      return v;
    };
  }

  private static Object nonEmpty(String path, Object value) {
    if (value == null) {
      throw new ConfigException(path, "must not be empty");
    }
    return value;
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
  Object coerce(Object raw) {
    if (raw == null) {
      return type == Type.LIST ? List.of() : null;
    }
    String text = raw.toString().trim();
    try {
      return switch (type) {
        case INT -> raw instanceof Number n ? exactInt(n) : Integer.parseInt(text);
        case BOOLEAN -> parseBoolean(raw, text);
        case STRING -> text.isEmpty() ? null : text;
        case LIST -> Arrays.stream(text.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
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
