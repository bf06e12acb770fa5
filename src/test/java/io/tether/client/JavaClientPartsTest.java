package io.tether.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Java client's plain parts: its file storage and the merge patch that shows a queued patch. */
class JavaClientPartsTest {
  @TempDir
  Path dir;

  @Test
  void fileStorageKeepsValuesUnderTheirKeysAndNoKeyEscapesItsDirectory() throws Exception {
    FileStorage storage = new FileStorage(dir.resolve("store"));
    assertThat(storage.read("space:a")).isNull();
    storage.write("space:a", "{\"cursor\":1}");
    storage.write("space:a", "{\"cursor\":2}");
    storage.write("../../etc/passwd", "x");
    storage.write("queue:ünïcode/😀", "[1]");
    assertThat(storage.read("space:a")).isEqualTo("{\"cursor\":2}");
    assertThat(storage.read("queue:ünïcode/😀")).isEqualTo("[1]");
    assertThat(storage.read("../../etc/passwd")).isEqualTo("x");
    try (Stream<Path> files = Files.list(dir.resolve("store"))) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .as("one file per key, nothing outside, no temporary left").hasSize(3)
          .allMatch(name -> name.endsWith(".json") && !name.contains("/") && !name.startsWith("."));
    }
    try (Stream<Path> outside = Files.list(dir)) {
      assertThat(outside).hasSize(1);
    }
    storage.remove("space:a");
    storage.remove("never-written");
    assertThat(storage.read("space:a")).isNull();
    assertThat(new FileStorage(dir.resolve("store")).read("queue:ünïcode/😀")).as("read back by a new instance").isEqualTo("[1]");
  }

  /** Issue 32, item 10: the session file holds a refresh token; only its owner may read it. */
  @Test
  void fileStorageIsReadableByItsOwnerOnly() throws Exception {
    Path store = dir.resolve("private");
    Files.createDirectories(store);
    Files.setPosixFilePermissions(store, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    FileStorage storage = new FileStorage(store);
    storage.write("session", "{\"refreshToken\":\"secret\"}");
    storage.write("session", "{\"refreshToken\":\"rotated\"}");
    assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(store))).isEqualTo("rwx------");
    try (Stream<Path> files = Files.list(store)) {
      assertThat(files).singleElement().satisfies(file -> assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
          Files.getPosixFilePermissions(file))).isEqualTo("rw-------"));
    }
  }

  private static JsonElement json(String text) {
    return JsonParser.parseString(text);
  }

  @Test
  void mergePatchFollowsRfc7386() {
    assertThat(MergePatch.apply(json("{\"a\":1,\"b\":{\"c\":2,\"d\":3}}"), json("{\"a\":null,\"b\":{\"c\":9},\"e\":[1]}")))
        .isEqualTo(json("{\"b\":{\"c\":9,\"d\":3},\"e\":[1]}"));
    assertThat(MergePatch.apply(json("[1,2]"), json("{\"a\":1}"))).isEqualTo(json("{\"a\":1}"));
    assertThat(MergePatch.apply(json("{\"a\":1}"), json("\"text\""))).isEqualTo(json("\"text\""));
    assertThat(MergePatch.apply(null, json("{\"a\":{\"b\":null}}"))).isEqualTo(json("{\"a\":{}}"));
    JsonElement target = json("{\"a\":{\"b\":1}}");
    MergePatch.apply(target, json("{\"a\":{\"b\":2}}"));
    assertThat(target).as("the local copy is not changed").isEqualTo(json("{\"a\":{\"b\":1}}"));
  }
}
