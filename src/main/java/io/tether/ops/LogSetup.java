package io.tether.ops;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.tether.config.TetherConfig;
import java.util.Locale;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * Log format and level. JSON lines (logback's JsonEncoder) for machines; plain lines for a person at
 * a terminal in development. {@code logback.xml} picks the appender named by the {@code tether.log.format}
 * property, set here before the first logger is created.
 */
public final class LogSetup {
  private LogSetup() {}

  /** Decides the format from the environment alone (the config file is not read yet). */
  public static void beforeLogging(Map<String, String> env) {
    String format = env.getOrDefault("TETHER_LOG_FORMAT", "auto").toLowerCase(Locale.ROOT);
    boolean development = !"production".equalsIgnoreCase(env.get("TETHER_MODE"));
    boolean text = format.equals("text") || format.equals("auto") && development && System.console() != null;
    System.setProperty("tether.log.format", text ? "TEXT" : "JSON");
  }

  /** Applies the configured root level. */
  public static void apply(TetherConfig config) {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.toLevel(config.log().level(), Level.INFO));
  }
}
