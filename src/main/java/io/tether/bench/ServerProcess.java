package io.tether.bench;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The server's own cost, read from {@code /proc/<pid>} (Linux): CPU time (user + system) and resident
 * memory. With the load generator on the same cores, throughput alone hides who paid for it; this says.
 * A pid of 0 means "not measured" and every reading is then null.
 */
final class ServerProcess {
  /** Linux reports CPU times in clock ticks of 1/100 s on every architecture Tether ships for. */
  private static final long NANOS_PER_TICK = 10_000_000L;

  private final int pid;

  ServerProcess(int pid) {
    this.pid = pid;
  }

  /** A reading to subtract from a later one. */
  record Sample(long cpuNanos, long rssBytes) {}

  Sample sample() {
    if (pid <= 0) {
      return null;
    }
    try {
      String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
      // Fields after the command name (which may hold spaces) start after the last ')'.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14 and 15)
      long rss = 0;
      for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          rss = Long.parseLong(line.replaceAll("\\D", "")) * 1024;
        }
      }
      return new Sample(ticks * NANOS_PER_TICK, rss);
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("cannot read /proc/" + pid + " (--server-pid): " + e.getMessage(), e);
    }
  }

  /** {@code serverCpuMs} and {@code serverCpuMicrosPer<unit>} over {@code units} between two samples; null unmeasured. */
  static JsonObject cost(Sample before, Sample after, long units, String unit) {
    if (before == null || after == null) {
      return null;
    }
    long cpu = after.cpuNanos() - before.cpuNanos();
    return new JsonObject().put("serverCpuMs", cpu / 1_000_000)
        .put("serverCpuMicrosPer" + unit, units == 0 ? null : Bench.round(cpu / 1000.0 / units))
        .put("serverRssGrowthBytes", after.rssBytes() - before.rssBytes());
  }
}
