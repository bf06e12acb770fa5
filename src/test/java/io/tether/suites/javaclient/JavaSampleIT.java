package io.tether.suites.javaclient;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.support.TestCluster;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 33, items 8 and 9: the console sample of java-client.md, compiled and run as a newcomer
 * would, twice (the first run registers ann, the second finds her session). It must work on the
 * first call and end by itself once it closes the client: no OkHttp thread keeps the JVM up.
 */
class JavaSampleIT {
  private static TestCluster cluster;

  @BeforeAll
  static void start() {
    cluster = TestCluster.single(new JsonObject());
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @Test
  void theConsoleSampleRunsAsWrittenAndEndsByItself() throws Exception {
    String page = Files.readString(Path.of("src/site/markdown/java-client.md"), StandardCharsets.UTF_8);
    Matcher block = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(page.substring(page.indexOf("## A console app")));
    assertThat(block.find()).isTrue();
    Path dir = Files.createTempDirectory("tether-sample-");
    Path source = dir.resolve("Groceries.java");
    Files.writeString(source, block.group(1), StandardCharsets.UTF_8);
    String classpath = System.getProperty("java.class.path");
    int compiled = ToolProvider.getSystemJavaCompiler().run(null, null, null, "-cp", classpath, "-d", dir.toString(),
        source.toString());
    assertThat(compiled).as("the sample compiles against the client").isZero();

    for (int run = 1; run <= 2; run++) {
      ProcessBuilder launcher = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Duser.home=" + dir, "-cp", dir + java.io.File.pathSeparator + classpath, "Groceries", "sample-list")
          .redirectErrorStream(true);
      launcher.environment().put("TETHER_URL", "http://127.0.0.1:" + cluster.node().port());
      Process process = launcher.start();
      List<String> lines = new ArrayList<>();
      long closedAt = 0;
      try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = out.readLine(); line != null; line = out.readLine()) {
          lines.add(line);
          if (line.equals("status: CLOSED")) {
            closedAt = System.nanoTime();
          }
        }
      }
      boolean ended = process.waitFor(30, TimeUnit.SECONDS);
      long exitedAt = System.nanoTime();
      if (!ended) {
        process.destroyForcibly();
      }
      String output = String.join("\n", lines);
      assertThat(ended).as("run %d ended:%n%s", run, output).isTrue();
      assertThat(process.exitValue()).as("run %d:%n%s", run, output).isZero();
      assertThat(lines).as(output).contains("status: ONLINE", "status: CLOSED");
      assertThat(output).contains("milk");
      assertThat(closedAt).isPositive();
      assertThat(TimeUnit.NANOSECONDS.toSeconds(exitedAt - closedAt)).as("the JVM ends soon after CLOSED, not a minute later")
          .isLessThan(5);
    }
  }
}
