package io.tether.bench;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The flags of {@code tether bench <scenario>}: every loop is bounded by these counts and durations. */
public record BenchOptions(String scenario, List<String> urls, int subscribers, int spaces, double writesPerSecond,
                           int durationSeconds, int writers, int connections, int changes, int sources, String out,
                           String adminToken, String pgUrl, int documents, int concurrency, boolean conditional,
                           boolean presence, boolean deflate, int serverPid, String query, boolean rules) {

  public static final String USAGE = """
      usage: java -jar tether.jar bench <connections|fanout|spaces|writes|multinode|catchup|listing|presence|rules-change> [flags]
        --url URL[,URL]        server(s); multinode spreads subscribers over them (default http://127.0.0.1:8080)
        --subscribers N        sockets per space (fanout 1000, spaces 10, multinode 1000, presence 500 users)
        --spaces N             spaces (spaces scenario, default 100)
        --rate N               writes per second in total (fanout 200, spaces 500); presence: signals per second (10)
        --duration S           seconds of load (default 10)
        --writers N            concurrent REST writers (writes, default 8)
        --connections N        idle sockets (connections, default 1000)
        --changes N            changes behind for catchup (default 100000)
        --documents N          documents in the listed space (listing, default 100; rules-change: 1000)
        --concurrency N        HTTP connections for listing (default 64); sockets opening at once (default 256)
        --conditional true     listing: ask again with If-None-Match (a phone that has the space)
        --presence false       subscribers sync without presence (as a background app); default true, as apps do
        --deflate true         sockets offer permessage-deflate, as browsers and OkHttp always do
        --query true|distinct  fanout/spaces: subscribers subscribe with a one-condition query that every write
                               matches (what filtering costs per delivery); distinct: each its own query
        --rules true           fanout/spaces: every subscriber is a user of its own, and the space has a read
                               rule that lets each see every write (what judging by user costs per delivery;
                               the server needs the registration limits lifted, see the performance page)
        --server-pid PID       the server's process: its CPU and RSS from /proc, per socket and per delivery
        --sources N            loopback source addresses 127.0.0.1..127.0.0.N (default 1)
        --admin-token T        the server's server.adminToken, to read its memory (connections)
        --pg-url URL           the server's database, for the pgbench comparison (writes)
        --out FILE             also append the JSON result line to FILE""";

  public static BenchOptions parse(String[] args) {
    if (args.length == 0 || args[0].startsWith("-")) {
      throw new IllegalArgumentException(USAGE);
    }
    Map<String, String> flags = new HashMap<>();
    for (int i = 1; i < args.length; i += 2) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("bad flag " + args[i] + "\n" + USAGE);
      }
      flags.put(args[i].substring(2), args[i + 1]);
    }
    String scenario = args[0];
    boolean spacesScenario = scenario.equals("spaces");
    return new BenchOptions(scenario,
        Arrays.asList(flags.getOrDefault("url", "http://127.0.0.1:8080").split(",")),
        Integer.parseInt(flags.getOrDefault("subscribers", spacesScenario ? "10" : scenario.equals("presence") ? "500" : "1000")),
        Integer.parseInt(flags.getOrDefault("spaces", spacesScenario ? "100" : "1")),
        Double.parseDouble(flags.getOrDefault("rate", spacesScenario ? "500" : scenario.equals("presence") ? "10" : "200")),
        Integer.parseInt(flags.getOrDefault("duration", "10")),
        Integer.parseInt(flags.getOrDefault("writers", "8")),
        Integer.parseInt(flags.getOrDefault("connections", "1000")),
        Integer.parseInt(flags.getOrDefault("changes", "100000")),
        Integer.parseInt(flags.getOrDefault("sources", "1")),
        flags.get("out"), flags.get("admin-token"), flags.get("pg-url"),
        Integer.parseInt(flags.getOrDefault("documents", scenario.equals("rules-change") ? "1000" : "100")),
        Integer.parseInt(flags.getOrDefault("concurrency", scenario.equals("listing") ? "64" : "256")),
        Boolean.parseBoolean(flags.getOrDefault("conditional", "false")),
        Boolean.parseBoolean(flags.getOrDefault("presence", "true")),
        Boolean.parseBoolean(flags.getOrDefault("deflate", "false")),
        Integer.parseInt(flags.getOrDefault("server-pid", "0")),
        flags.getOrDefault("query", "false"),
        Boolean.parseBoolean(flags.getOrDefault("rules", "false")));
  }
}
