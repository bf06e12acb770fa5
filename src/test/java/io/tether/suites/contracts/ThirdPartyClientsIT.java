package io.tether.suites.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.support.ApiClient;
import io.tether.support.ApiClient.Account;
import io.tether.support.TestCluster;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 33: the clients and validators of the GraphQL, OpenAPI and AsyncAPI ecosystems, run with
 * Node.js against a live node and the shipped documents (src/test/contracts: Apollo Client, urql's
 * Graphcache, graphql-js, graphql-ws, Redocly, the AsyncAPI parser, pinned by its package-lock.json
 * and installed with npm ci into target/contracts), and the GraphQL page's example run as written.
 */
class ThirdPartyClientsIT {
  private static final Path SOURCES = Path.of("src/test/contracts");
  private static final Path WORK = Path.of("target/contracts");
  private static TestCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    install();
    cluster = TestCluster.single(new JsonObject());
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** Copies the sources next to their own node_modules; npm ci only when the lock file changed. */
  private static void install() throws Exception {
    Files.createDirectories(WORK);
    Path lock = SOURCES.resolve("package-lock.json");
    Path installedLock = WORK.resolve("node_modules/.tether-lock");
    boolean current = Files.exists(installedLock) && Files.mismatch(lock, installedLock) == -1;
    try (Stream<Path> files = Files.list(SOURCES)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        Files.copy(file, WORK.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    if (!current) {
      String log = run(List.of("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"), WORK, 10);
      assertThat(Files.isDirectory(WORK.resolve("node_modules"))).as("npm ci installed the checks:%n%s", log).isTrue();
      Files.copy(lock, installedLock, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static String run(List<String> command, Path dir, int minutes) throws IOException, InterruptedException {
    Path output = Files.createTempFile("tether-contracts-", ".log");
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(output.toFile());
    builder.environment().put("TETHER_URL", "http://127.0.0.1:" + (cluster == null ? 0 : cluster.node().port()));
    builder.environment().put("TETHER_WEBROOT", Path.of("src/main/resources/webroot").toAbsolutePath().toString());
    builder.environment().put("NODE_NO_WARNINGS", "1");
    Process process = builder.start();
    boolean finished = process.waitFor(minutes, TimeUnit.MINUTES);
    if (!finished) {
      process.destroyForcibly();
    }
    String log = Files.readString(output, StandardCharsets.UTF_8);
    System.out.println(log);
    assertThat(finished).as("%s finished within %d minutes:%n%s", command, minutes, log).isTrue();
    assertThat(process.exitValue()).as("%s passed:%n%s", command, log).isZero();
    return log;
  }

  @Test
  void theContractsPassTheirEcosystemsValidators() throws Exception {
    String log = run(List.of("node", "--test", "--test-reporter=spec", "contracts.test.mjs"), WORK, 3);
    assertThat(log).contains("ℹ pass 2").contains("ℹ fail 0");
  }

  @Test
  void apolloUrqlGraphqlJsAndGraphqlWsWorkAgainstALiveNode() throws Exception {
    String log = run(List.of("node", "--test", "--test-reporter=spec", "graphql-clients.test.mjs"), WORK, 3);
    assertThat(log).contains("ℹ pass 4").contains("ℹ fail 0");
  }

  /** Item 3: the GraphQL page's subscription example, extracted from the page and run as it stands. */
  @Test
  void theGraphqlPagesExampleRunsAsWritten() throws Exception {
    String page = Files.readString(Path.of("src/site/markdown/graphql.md"), StandardCharsets.UTF_8);
    Matcher block = Pattern.compile("```js\\n(.*?)```", Pattern.DOTALL).matcher(page);
    assertThat(block.find()).as("graphql.md has a js example").isTrue();
    Files.writeString(WORK.resolve("watch.mjs"), block.group(1), StandardCharsets.UTF_8);

    ApiClient api = cluster.api();
    Account ann = api.register();
    String space = "docs-" + System.nanoTime();
    api.createSpace(ann, space);
    api.put(ann, space, "items", "milk", new JsonObject().put("title", "Milk"));
    ProcessBuilder builder = new ProcessBuilder("node", "watch.mjs").directory(WORK.toFile()).redirectErrorStream(true);
    builder.environment().put("TETHER_URL", "http://127.0.0.1:" + cluster.node().port());
    builder.environment().put("TETHER_TOKEN", ann.token());
    builder.environment().put("TETHER_SPACE", space);
    Process process = builder.start();
    List<String> lines = new ArrayList<>();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      for (String line = out.readLine(); line != null && System.nanoTime() < deadline; line = out.readLine()) {
        lines.add(line);
        if (line.startsWith("SYNCED")) {
          api.put(ann, space, "items", "tea", new JsonObject().put("title", "Tea"));
        }
        if (line.startsWith("CHANGE")) {
          break;
        }
      }
    } finally {
      process.destroyForcibly();
    }
    assertThat(lines).as(String.join("\n", lines)).first().asString().isEqualTo("loaded 1 documents at seq 1");
    assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("SYNCED"));
    assertThat(lines.get(lines.size() - 1)).startsWith("CHANGE").contains("\"documentId\":\"tea\"");
  }
}
