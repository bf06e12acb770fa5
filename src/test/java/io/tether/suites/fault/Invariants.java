package io.tether.suites.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.support.Await;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What must hold after a fault run, read from PostgreSQL (the source of truth) and from every client:
 * the change log is seq 1..N with no gap; no document without its change; every acknowledged write
 * is in the log; every subscriber received each seq after its start exactly once, in order, and holds
 * the same documents as the database. Prints one summary line per scenario before asserting, so a
 * failing run still shows its figures.
 */
final class Invariants {
  private Invariants() {}

  record Summary(String scenario, long head, int acked, int failed, long delivered, int faults, long lost,
                 long duplicated, long outOfOrder, long resyncs, long reconnects) {
    String line() {
      return "FAULT-SUMMARY scenario=" + scenario + " changes=" + head + " writesAcknowledged=" + acked
          + " writesFailed=" + failed + " changesDelivered=" + delivered + " faultsInjected=" + faults + " lost=" + lost
          + " duplicated=" + duplicated + " outOfOrder=" + outOfOrder + " resyncs=" + resyncs + " reconnects=" + reconnects;
    }
  }

  static Summary check(String scenario, Pool db, String space, int faults, List<Writer.Ack> acks, int failedWrites,
                       List<Subscriber> subscribers) {
    long head = Await.result(db.preparedQuery("SELECT seq FROM spaces WHERE id = $1").execute(Tuple.of(space)))
        .iterator().next().getLong(0);
    Await.until("every subscriber reached the head " + head, 60, () -> subscribers.stream().allMatch(s -> s.cursor() >= head));

    Map<Long, Row> log = new HashMap<>();
    List<Long> seqs = new ArrayList<>();
    for (Row row : Await.result(db.preparedQuery(
        "SELECT seq, doc_id, version FROM changes WHERE space_id = $1 ORDER BY seq").execute(Tuple.of(space)))) {
      seqs.add(row.getLong(0));
      log.put(row.getLong(0), row);
    }
    long orphanDocuments = Await.result(db.preparedQuery("""
        SELECT count(*) FROM documents d LEFT JOIN changes c
          ON c.space_id = d.space_id AND c.seq = d.seq AND c.doc_id = d.id AND c.version = d.version
        WHERE d.space_id = $1 AND c.seq IS NULL""").execute(Tuple.of(space))).iterator().next().getLong(0);
    Map<String, JsonObject> stored = new HashMap<>();
    for (Row row : Await.result(db.preparedQuery(
        "SELECT collection, id, data::text FROM documents WHERE space_id = $1 AND NOT deleted").execute(Tuple.of(space)))) {
      stored.put(row.getString(0) + "/" + row.getString(1), new JsonObject(row.getString(2)));
    }

    Summary summary = new Summary(scenario, head, acks.size(), failedWrites,
        subscribers.stream().mapToLong(Subscriber::delivered).sum(), faults,
        subscribers.stream().mapToLong(Subscriber::lost).sum(),
        subscribers.stream().mapToLong(Subscriber::duplicated).sum(),
        subscribers.stream().mapToLong(Subscriber::outOfOrder).sum(),
        subscribers.stream().mapToLong(Subscriber::resyncs).sum(),
        subscribers.stream().mapToLong(s -> s.connections() - 1).sum());
    System.out.println(summary.line());

    assertThat(seqs).as("the change log is seq 1..N without a gap or a duplicate").hasSize((int) head);
    for (int i = 0; i < seqs.size(); i++) {
      assertThat(seqs.get(i)).isEqualTo(i + 1L);
    }
    assertThat(orphanDocuments).as("documents without the change that wrote them (half-written)").isZero();
    for (Writer.Ack ack : acks) {
      Row change = log.get(ack.seq());
      assertThat(change).as("acknowledged write at seq %d is in the change log", ack.seq()).isNotNull();
      assertThat(change.getString(1)).isEqualTo(ack.id());
      assertThat(change.getLong(2)).isEqualTo(ack.version());
    }
    assertThat(summary.lost()).as("lost").isZero();
    assertThat(summary.duplicated()).as("duplicated").isZero();
    assertThat(summary.outOfOrder()).as("out of order").isZero();
    for (Subscriber subscriber : subscribers) {
      assertThat(subscriber.documents()).as("a client's documents equal PostgreSQL's").isEqualTo(stored);
    }
    return summary;
  }
}
