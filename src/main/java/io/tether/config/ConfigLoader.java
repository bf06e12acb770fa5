package io.tether.config;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Resolves the configuration once at start-up: defaults from {@link Settings}, then the JSON file,
 * then {@code TETHER_…} environment variables. Unknown keys in the file are refused, so a typo is
 * found at start rather than silently ignored.
 */
public final class ConfigLoader {

  public static final String CONFIG_ENV = "TETHER_CONFIG";
  public static final String DEFAULT_PATH = "conf/config.json";

  private ConfigLoader() {}

  /** Loads the file named by {@code TETHER_CONFIG} (or {@code conf/config.json} if it exists). */
  public static TetherConfig fromEnvironment(Map<String, String> env) {
    String explicit = env.get(CONFIG_ENV);
    Path path = Path.of(explicit != null ? explicit : DEFAULT_PATH);
    JsonObject file = readFile(path, explicit != null);
    return resolve(file, env);
  }

  /** Variables that start with {@code TETHER_} and are read but are not settings. */
  private static final Set<String> NOT_SETTINGS = Set.of(CONFIG_ENV);

  /**
   * The {@code TETHER_…} variables no setting reads, each with the closest setting's variable when one
   * is near (a typo such as {@code TETHER_HTTP_PROT}): set, they would be ignored without a word.
   */
  public static java.util.List<String> unknownVariables(Map<String, String> env) {
    Set<String> known = new HashSet<>(NOT_SETTINGS);
    Settings.ALL.forEach(s -> known.add(s.env()));
    java.util.List<String> warnings = new java.util.ArrayList<>();
    env.keySet().stream().filter(k -> k.startsWith("TETHER_") && !known.contains(k)
        && !k.startsWith("TETHER_TEST_")).sorted().forEach(name -> {
          String closest = known.stream().min(java.util.Comparator.comparingInt(k -> distance(k, name))).orElse(null);
          warnings.add(closest != null && distance(closest, name) <= 3
              ? name + " is not a setting (did you mean " + closest + "?)" : name + " is not a setting");
        });
    return warnings;
  }

  private static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int swap = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + swap);
      }
      int[] t = previous;
      previous = current;
      current = t;
    }
    return previous[b.length()];
  }

  /** Applies defaults, then {@code file}, then {@code env}; validates and types the result. */
  public static TetherConfig resolve(JsonObject file, Map<String, String> env) {
    Map<String, Object> flat = flatten("", file, new LinkedHashMap<>());
    Set<String> unknown = new HashSet<>(flat.keySet());
    Settings.ALL.forEach(s -> unknown.remove(s.path()));
    if (!unknown.isEmpty()) {
      throw new ConfigException(unknown.iterator().next(), "unknown key (every key is listed in conf/config.json and the configuration docs)");
    }
    Map<String, Object> values = new LinkedHashMap<>();
    for (Setting s : Settings.ALL) {
      Object raw = s.defaultValue();
      if (flat.containsKey(s.path())) {
        raw = flat.get(s.path());
      }
      if (env.get(s.env()) != null) {
        raw = env.get(s.env());
      }
      values.put(s.path(), s.resolve(raw));
    }
    return ConfigBinder.bind(TetherConfig.class, values);
  }

  private static JsonObject readFile(Path path, boolean required) {
    try {
      return new JsonObject(Files.readString(path));
    } catch (NoSuchFileException e) {
      if (required) {
        throw new ConfigException(CONFIG_ENV, "file " + path + " does not exist");
      }
      return new JsonObject();
    } catch (IOException e) {
      throw new ConfigException(CONFIG_ENV, "cannot read " + path + ": " + e.getMessage());
    } catch (DecodeException e) {
      throw new ConfigException(CONFIG_ENV, path + " is not valid JSON: " + e.getMessage());
    }
  }

  private static Map<String, Object> flatten(String prefix, JsonObject json, Map<String, Object> into) {
    for (Map.Entry<String, Object> e : json) {
      String key = prefix + e.getKey();
      if (e.getKey().startsWith("_")) {
        continue; // "_comment" keys document the file and are not settings
      }
      if (e.getValue() instanceof JsonObject nested) {
        flatten(key + ".", nested, into);
      } else {
        into.put(key, e.getValue());
      }
    }
    return into;
  }
}
