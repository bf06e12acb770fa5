package io.tether.suites.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.support.TestDatabase;
import io.tether.support.TestNode;
import io.tether.support.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the README's curl walk-through, as pasted, against a real node, and checks what its comments
 * and its wscat transcript promise, so the newcomer's page cannot drift from the server.
 */
class ReadmeWalkthroughIT {
  private static Vertx vertx;
  private static TestDatabase db;
  private static TestNode node;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    db = TestDatabase.create(vertx);
    node = TestNode.start(db);
  }

  @AfterAll
  static void stop() {
    node.close();
    db.close();
    vertx.close();
  }

  @Test
  void theCurlWalkThroughAnswersWhatItsCommentsSayAndTheTranscriptHolds() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    String section = readme.substring(readme.indexOf("## A walk-through with curl"));
    String block = section.substring(section.indexOf("```sh\n") + 6, section.indexOf("```", section.indexOf("```sh\n") + 6));
    assertThat(block).contains("B=http://localhost:8080");
    // Each answer ends in a newline, so each command's output is a line of its own (issue 33, item 15);
    // the token is printed last, for the WebSocket part.
    String script = "set -e\n" + block.replace("B=http://localhost:8080", "B=http://127.0.0.1:" + node.port())
        + "\necho \"TOKEN=$T\"\n";
    Process bash = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true).start();
    assertThat(bash.waitFor(60, TimeUnit.SECONDS)).isTrue();
    List<String> out = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    assertThat(bash.exitValue()).as(String.join("\n", out)).isZero();
    assertThat(out).as(String.join("\n", out)).hasSize(6);

    JsonObject created = new JsonObject(out.get(1));
    assertThat(created.getJsonObject("document").getLong("version")).as("# 201, version 1, seq 1").isEqualTo(1);
    assertThat(created.getLong("seq")).isEqualTo(1);
    JsonObject patched = new JsonObject(out.get(2));
    assertThat(patched.getJsonObject("document").getLong("version")).as("# 200, version 2").isEqualTo(2);
    JsonObject listing = new JsonObject(out.get(3));
    assertThat(listing.fieldNames()).as("# {documents, cursor, epoch, next}").contains("documents", "cursor", "epoch");
    assertThat(listing.getJsonArray("documents").getJsonObject(0).getJsonObject("data"))
        .isEqualTo(new JsonObject().put("title", "Milk").put("qty", 2));
    JsonObject changes = new JsonObject(out.get(4));
    assertThat(changes.fieldNames()).as("# {changes, cursor, epoch, hasMore}").contains("changes", "cursor", "epoch", "hasMore");

    String token = out.get(5).substring("TOKEN=".length());

    try (WsClient ws = WsClient.connect(vertx, node.port(), token)) {
      ws.send(new JsonObject().put("type", "subscribe").put("id", "1").put("space", "groceries").put("since", 0));
      assertThat(ws.next().getString("type")).isEqualTo("change");
      assertThat(ws.next().getLong("seq")).isEqualTo(2);
      JsonObject synced = ws.next();
      assertThat(synced.getString("type")).isEqualTo("synced");
      assertThat(synced.getLong("cursor")).isEqualTo(2);
      JsonObject presence = ws.next();
      assertThat(presence.getString("type")).as("the transcript shows presence_state after synced").isEqualTo("presence_state");
      // Who is here, perhaps already including this socket (its own join may also arrive as a presence_diff).
      assertThat(presence.getJsonArray("members")).isNotNull();
      assertThat(presence.getInteger("count")).as("and how many are here").isNotNull();
    }

    // Pasted again (after a restart, say: the data is kept), the block logs ann in instead (issue 33, item 14).
    Process again = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true).start();
    assertThat(again.waitFor(60, TimeUnit.SECONDS)).isTrue();
    List<String> second = new String(again.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    assertThat(again.exitValue()).as(String.join("\n", second)).isZero();
    assertThat(second.get(second.size() - 1)).as("a token, not an error body").matches("TOKEN=[A-Za-z0-9_.-]{20,}");
    // (Its PATCH with If-Match "1" is a 412 now, as the comment beside it says: the document moved on.)
    assertThat(String.join("\n", second)).doesNotContain("unauthorized").doesNotContain("invalid access token");
  }
}
