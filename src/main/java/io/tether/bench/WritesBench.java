package io.tether.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * REST writes/s with C concurrent clients (each on its own space), beside pgbench running the write
 * path's own SQL transaction with the same concurrency against the same database.
 */
final class WritesBench {
  private final Vertx vertx;
  private final BenchOptions o;

  WritesBench(Vertx vertx, BenchOptions o) {
    this.vertx = vertx;
    this.o = o;
  }

  Future<JsonObject> run() {
    BenchApi api = new BenchApi(vertx, o.urls().get(0), o.writers());
    String prefix = "w-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    JsonObject result = new JsonObject().put("scenario", "writes").put("concurrency", o.writers())
        .put("durationSeconds", o.durationSeconds());
    AtomicLong writes = new AtomicLong();
    AtomicLong failures = new AtomicLong();
    return api.register()
        .compose(a -> Bench.limited(o.writers(), o.writers(), i -> api.createSpace(prefix + i)))
        .compose(created -> {
          long endAt = System.nanoTime() + o.durationSeconds() * 1_000_000_000L;
          return Bench.limited(o.writers(), o.writers(), i -> loop(api, prefix + i, endAt, writes, failures));
        })
        .compose(done -> {
          double tps = writes.get() / (double) o.durationSeconds();
          result.put("writes", writes.get()).put("failures", failures.get()).put("writesPerSecond", Bench.round(tps));
          if (o.pgUrl() == null) {
            return Future.succeededFuture(result);
          }
          return Bench.limited(o.writers(), o.writers(), i -> api.createSpace("pgb-" + prefix + i))
              .compose(spaces -> vertx.executeBlocking(() -> pgbench(prefix), false))
              .map(pgTps -> result.put("pgbenchTransactionsPerSecond", Bench.round(pgTps))
                  .put("ratioToPgbench", Bench.round(tps / pgTps)));
        })
        .eventually(api::close);
  }

  private Future<Void> loop(BenchApi api, String space, long endAt, AtomicLong writes, AtomicLong failures) {
    if (System.nanoTime() >= endAt) {
      return Future.succeededFuture();
    }
    return api.put(space, "d" + ThreadLocalRandom.current().nextInt(100), new JsonObject().put("n", 1))
        .transform(ar -> {
          (ar.succeeded() ? writes : failures).incrementAndGet();
          return loop(api, space, endAt, writes, failures);
        });
  }

  /**
   * The write path's transaction (ChangeWriter) as a pgbench script, one space per pgbench client,
   * with prepared statements as the server's driver uses. The bench spaces have no webhooks and no
   * devices, so, like the server, the script sends no enqueue statement.
   */
  private double pgbench(String prefix) throws IOException, InterruptedException {
    String space = "'pgb-" + prefix + "' || :client_id";
    String script = """
        \\set id random(0, 99)
        BEGIN;
        SELECT s.seq AS cur, EXISTS (SELECT 1 FROM webhooks w WHERE w.space_id = s.id) AS hooks, EXISTS (SELECT 1 FROM members m JOIN devices d ON d.user_id = m.user_id WHERE m.space_id = s.id AND m.user_id <> 'pgbench') AS devices FROM spaces s WHERE s.id = %1$s FOR NO KEY UPDATE OF s \\gset
        \\set next :cur + 1
        SELECT collection, id, version, data, deleted, seq FROM documents WHERE space_id = %1$s AND collection = 'items' AND id = 'd' || :id;
        \\startpipeline
        UPDATE spaces SET seq = :next WHERE id = %1$s;
        INSERT INTO documents (space_id, collection, id, version, data, deleted, seq, updated_at) VALUES (%1$s, 'items', 'd' || :id, 1, '{"n":1}', false, :next, now()) ON CONFLICT (space_id, collection, id) DO UPDATE SET version = documents.version + 1, data = EXCLUDED.data, deleted = EXCLUDED.deleted, seq = EXCLUDED.seq, updated_at = EXCLUDED.updated_at;
        INSERT INTO changes (space_id, seq, collection, doc_id, op, version, data, deleted, mutation_id, actor) VALUES (%1$s, :next, 'items', 'd' || :id, 'put', 1, '{"n":1}', false, NULL, 'pgbench');
        \\endpipeline
        COMMIT;
        """.formatted(space);
    Path file = Files.createTempFile("tether-pgbench-", ".sql");
    Files.writeString(file, script, StandardCharsets.UTF_8);
    Process process = new ProcessBuilder("pgbench", "-n", "-M", "prepared", "-f", file.toString(), "-c", String.valueOf(o.writers()),
        "-j", String.valueOf(Math.min(o.writers(), 2)), "-T", String.valueOf(o.durationSeconds()), "-d", o.pgUrl())
        .redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    process.waitFor();
    Files.deleteIfExists(file);
    Matcher tps = Pattern.compile("tps = ([0-9.]+)").matcher(output);
    if (!tps.find()) {
      throw new IOException("pgbench printed no tps: " + output);
    }
    return Double.parseDouble(tps.group(1));
  }
}
