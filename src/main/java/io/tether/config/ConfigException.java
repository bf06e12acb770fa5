package io.tether.config;

/** A configuration value that cannot be used; the message names the key so ops can fix it. */
public class ConfigException extends RuntimeException {
  public ConfigException(String key, String problem) {
    super("Invalid configuration '" + key + "': " + problem);
  }
}
