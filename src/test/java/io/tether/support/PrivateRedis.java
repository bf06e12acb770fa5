package io.tether.support;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A redis-server of the test's own on a spare port, so a test can stop and restart it without
 * touching the machine's shared Redis. Restarting keeps the port and forgets everything, as a real
 * Redis restart without persistence does.
 */
public final class PrivateRedis implements AutoCloseable {
  private final int port;
  private Process process;

  private PrivateRedis(int port) {
    this.port = port;
  }

  public static PrivateRedis start() {
    PrivateRedis redis = new PrivateRedis(Ports.free());
    redis.restart();
    return redis;
  }

  public int port() {
    return port;
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  public boolean running() {
    return process != null && process.isAlive();
  }

  /** Kills it at once (SIGKILL): its subscribers and queued publishes are gone. */
  public void stop() {
    if (process != null) {
      process.destroyForcibly();
      try {
        process.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      process = null;
    }
  }

  /** Starts it (again) on the same port and returns once it answers PING. */
  public void restart() {
    stop();
    try {
      process = new ProcessBuilder("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1", "--save", "",
          "--appendonly", "no").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    } catch (IOException e) {
      throw new AssertionError("redis-server could not be started (installed by .ci/run)", e);
    }
    long deadline = System.currentTimeMillis() + 10_000;
    while (System.currentTimeMillis() < deadline) {
      if (answersPing()) {
        return;
      }
      Await.sleep(50);
    }
    throw new AssertionError("redis-server on port " + port + " did not answer PING");
  }

  private boolean answersPing() {
    // Listening is not enough: Redis answers PING once it has loaded.
    try (Socket probe = new Socket("127.0.0.1", port)) {
      probe.setSoTimeout(500);
      probe.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      byte[] answer = new byte[5];
      return probe.getInputStream().read(answer) > 0 && new String(answer, StandardCharsets.US_ASCII).startsWith("+PONG");
    } catch (IOException notYet) {
      return false;
    }
  }

  @Override
  public void close() {
    stop();
  }
}
