package io.tether.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged jar ({@code target/tether.jar}) running as a child JVM, so a test can kill it with
 * SIGKILL or drain it with SIGTERM like an orchestrator does. Only for integration tests (failsafe),
 * which run after the jar is built. Its JSON log goes to a temporary file, shown when it fails.
 */
public final class ChildNode implements AutoCloseable {
  private final Map<String, String> env;
  private final int port;
  private final Path log;
  private Process process;

  private ChildNode(Map<String, String> env, int port, Path log) {
    this.env = env;
    this.port = port;
    this.log = log;
  }

  /** Starts a node with these TETHER_* settings (plus a spare port and test-friendly limits) and waits until it is ready. */
  public static ChildNode start(Map<String, String> settings) {
    int port = Ports.free();
    Map<String, String> env = new HashMap<>(Map.of("TETHER_HTTP_PORT", String.valueOf(port),
        "TETHER_LOG_FORMAT", "json", "TETHER_AUTH_PASSWORD_ITERATIONS", "1000",
        "TETHER_LIMITS_USER_BURST", "1000000", "TETHER_LIMITS_USER_REQUESTS_PER_SECOND", "1000000",
        "TETHER_LIMITS_IP_BURST", "1000000", "TETHER_LIMITS_IP_REQUESTS_PER_SECOND", "1000000",
        "TETHER_SYNC_MAX_CONNECTIONS_PER_USER", "100000"));
    env.putAll(settings);
    try {
      ChildNode node = new ChildNode(env, port, Files.createTempFile("tether-node-" + port + "-", ".log"));
      node.launch();
      return node;
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  public int port() {
    return port;
  }

  public ApiClient api() {
    return new ApiClient(port);
  }

  public boolean alive() {
    return process.isAlive();
  }

  /** SIGKILL: no drain, no goodbye; sockets are reset, requests in flight are cut. */
  public void kill() {
    process.destroyForcibly();
    waitForExit(10);
  }

  /** SIGTERM: the node drains (see the README) and exits; returns its exit code. */
  public int terminate(int seconds) {
    process.destroy();
    return waitForExit(seconds);
  }

  /** Starts the node again, same port and settings, after it was killed or drained. */
  public void relaunch() {
    try {
      launch();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  public String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  private void launch() throws IOException {
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", "-jar", Path.of("target", "tether.jar").toString())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().keySet().removeIf(key -> key.startsWith("TETHER_"));
    builder.environment().putAll(env);
    process = builder.start();
    long deadline = System.currentTimeMillis() + 60_000;
    ApiClient api = api();
    while (System.currentTimeMillis() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("node exited at start:\n" + log());
      }
      try {
        if (api.send("GET", "/health/ready", null, null).status() == 200) {
          return;
        }
      } catch (AssertionError notListeningYet) {
        // retried until the deadline
      }
      Await.sleep(200);
    }
    throw new AssertionError("node not ready in 60 s:\n" + log());
  }

  private int waitForExit(int seconds) {
    try {
      if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
        throw new AssertionError("node did not exit within " + seconds + " s");
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
      waitForExit(10);
    }
  }
}
