package io.tether;

import io.tether.bench.Bench;
import io.tether.config.ConfigException;
import io.tether.config.ConfigLoader;
import io.tether.config.TetherConfig;
import io.tether.ops.LogSetup;
import io.vertx.core.Vertx;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * The command line: {@code bench}, {@code --help}, or start a node (built by {@link NodeAssembly})
 * that drains on SIGTERM and SIGINT.
 */
public final class Main {
  private static final Logger LOG;

  static {
    // Chooses the log format before the first logger exists, so even start-up lines are in it.
    LogSetup.beforeLogging(System.getenv());
    LOG = LoggerFactory.getLogger(Main.class);
  }

  private Main() {}

  private static final String USAGE = """
      Usage: java -jar tether.jar            start a node (configuration: conf/config.json, TETHER_* variables)
             java -jar tether.jar bench ...  run a benchmark against running nodes (bench --help)
             java -jar tether.jar --help     this text

      Settings are environment variables (or keys of conf/config.json), for example:
        TETHER_HTTP_PORT=19003      the port (default 8080)
        TETHER_HTTP_HOST=0.0.0.0    listen beyond this machine (development listens on 127.0.0.1)
        TETHER_PG_URL=postgresql://user:pass@host:5432/db   unset: an embedded PostgreSQL, its data in
                                    TETHER_DATA_DIR (./data)
        TETHER_REDIS_URL=redis://host:6379                  unset: the node runs alone on its local bus
        TETHER_MODE=production      refuse development defaults (needs TETHER_AUTH_SIGNING_KEY)
      Every setting, with its variable and default: conf/config.json and the configuration page.
      """;

  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals("bench")) {
      Bench.main(Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    if (args.length > 0) {
      // Anything else (--help, a typo) prints the usage instead of starting a server by surprise.
      boolean asked = args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help");
      if (!asked) {
        System.err.println("Unknown argument '" + args[0] + "'" + (args[0].equals("--port") && args.length > 1
            ? ": set the port with TETHER_HTTP_PORT=" + args[1] + " java -jar tether.jar" : "") + "\n");
      }
      (asked ? System.out : System.err).print(USAGE);
      System.exit(asked ? 0 : 2);
      return;
    }
    ConfigLoader.unknownVariables(System.getenv()).forEach(warning -> LOG.warn("{}: it is ignored", warning));
    TetherConfig config;
    try {
      config = ConfigLoader.fromEnvironment(System.getenv());
    } catch (ConfigException e) {
      LOG.error(e.getMessage());
      System.exit(2);
      return;
    }
    LogSetup.apply(config);
    String registry = "tether";
    Vertx vertx = Vertx.vertx(NodeAssembly.vertxOptions(config, registry));
    NodeAssembly.start(vertx, config, registry)
        .onSuccess(node -> {
          drainOnSignals(node, config.production());
          LOG.info("Tether listening on {}:{} with {} API verticle instances, {} bus",
              config.http().host(), config.http().port(), config.http().effectiveInstances(),
              config.redis().enabled() ? "Redis" : "local");
          config.productionWarnings().forEach(warning -> LOG.warn("Production mode, but {}", warning));
          if (!config.production() && config.http().host().equals("127.0.0.1")) {
            LOG.info("Development mode listens on this machine only: set TETHER_HTTP_HOST=0.0.0.0 to reach it "
                + "from a phone on the network");
          }
        })
        .onFailure(err -> {
          LOG.error("Tether did not start: {}", err.getMessage(), err);
          vertx.close();
          System.exit(1);
        });
  }

  /**
   * SIGTERM and SIGINT drain the node, then exit 0 (a JVM shutdown hook would exit 143). In development
   * a Ctrl-C (SIGINT) drains promptly: there is no load balancer to wait for.
   */
  private static void drainOnSignals(RunningNode node, boolean production) {
    for (String signal : new String[] {"TERM", "INT"}) {
      Signal.handle(new Signal(signal), sig -> node.drainAndStop(!production && signal.equals("INT"))
          .onComplete(ar -> {
            LOG.info("Stopped after SIG{}", signal);
            System.exit(0);
          }));
    }
  }
}
