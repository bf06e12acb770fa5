package io.tether.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.support.TestCluster;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the JavaScript client library's own tests (Node's test runner, src/test/js) against a real
 * server: two nodes sharing PostgreSQL and Redis, tokens that expire after 62 s so token_expiring
 * comes within seconds; and a node whose tokens expire after 3 s, for the 4001 path.
 */
class ClientLibraryIT {
  private static final Path TESTS = Path.of("src/test/js/tether-client.test.mjs");
  private static TestCluster cluster;
  private static TestCluster shortTokens;
  /** Where the tests' own SMTP server listens (they start it); the nodes send their email there. */
  private static final int SMTP_PORT = io.tether.support.Ports.free();
  /** Where the tests serve the keys of their own sign-in provider ("test-idp"). */
  private static final int JWKS_PORT = io.tether.support.Ports.free();

  @BeforeAll
  static void start() {
    cluster = TestCluster.nodes(2, new JsonObject()
        .put("auth", new JsonObject().put("accessTokenTtlSeconds", 62).put("signInProviders", new io.vertx.core.json.JsonArray()
            .add(new JsonObject().put("name", "test-idp").put("issuer", "https://idp.example.test").put("audience", "js-app")
                .put("jwksUri", "http://127.0.0.1:" + JWKS_PORT + "/keys"))))
        .put("mail", new JsonObject().put("host", "127.0.0.1").put("port", SMTP_PORT).put("security", "none")));
    // Tokens that expire mid-test, so the socket is closed with 4001 and the client must come back.
    shortTokens = TestCluster.single(new JsonObject().put("auth", new JsonObject().put("accessTokenTtlSeconds", 3)
        .put("clockSkewSeconds", 0)));
  }

  @AfterAll
  static void stop() {
    cluster.close();
    shortTokens.close();
  }

  @Test
  void theClientLibraryPassesItsTestsAgainstARealServer() throws IOException, InterruptedException {
    Process probe = new ProcessBuilder("node", "--experimental-websocket", "-e",
        "console.log(process.version); process.exit(typeof WebSocket === 'function' ? 0 : 3)").redirectErrorStream(true).start();
    String version = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(probe.waitFor()).as("Node.js 20.10 or later (it has WebSocket); found %s", version).isZero();
    Path output = Files.createTempFile("tether-js-tests-", ".log");
    // Node 20 has WebSocket behind a flag; later versions accept the flag and have it anyway.
    ProcessBuilder node = new ProcessBuilder("node", "--experimental-websocket", "--test", "--test-reporter=spec",
        TESTS.toString())
        .redirectErrorStream(true)
        .redirectOutput(output.toFile());
    node.environment().put("TETHER_URL", "http://127.0.0.1:" + cluster.node(0).port());
    node.environment().put("TETHER_SHORT_TOKEN_URL", "http://127.0.0.1:" + shortTokens.node(0).port());
    node.environment().put("NODE_NO_WARNINGS", "1");
    node.environment().put("TETHER_SMTP_PORT", Integer.toString(SMTP_PORT));
    node.environment().put("TETHER_JWKS_PORT", Integer.toString(JWKS_PORT));
    Process process = node.start();
    boolean finished = process.waitFor(5, TimeUnit.MINUTES);
    if (!finished) {
      process.destroyForcibly();
    }
    String log = Files.readString(output, StandardCharsets.UTF_8);
    System.out.println(log);
    assertThat(finished).as("node --test finished within 5 minutes:%n%s", log).isTrue();
    assertThat(process.exitValue()).as("node --test passed:%n%s", log).isZero();
    assertThat(log).as("every test ran").contains("ℹ pass 17").contains("ℹ fail 0");
  }
}
