package io.tether.store;

import io.tether.core.Document;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowIterator;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Document reads. */
public final class DocumentStore {
  // One statement is one snapshot: the head seq and the documents are read at the same instant,
  // so a client that subscribes with since = head misses nothing written after this read.
  // PostgreSQL renders each document as JSON text: the server passes it through instead of parsing
  // jsonb into objects and encoding them again (that was most of a listing's CPU).
  private static final String PAGE = """
      WITH head AS (SELECT seq, epoch, rules_seq FROM spaces WHERE id = $1)
      SELECT head.seq, head.epoch, d.collection, d.id, d.doc, d.running, head.rules_seq
      FROM head LEFT JOIN LATERAL (
        SELECT * FROM (
          SELECT collection, id, doc, octet_length(doc) AS size,
                 sum(octet_length(doc)) OVER (ORDER BY collection, id ROWS UNBOUNDED PRECEDING) AS running
          FROM (
            SELECT collection, id, json_build_object('collection', collection, 'id', id, 'version', version,
                                                     'deleted', deleted, 'seq', seq, 'data', data)::text AS doc
            FROM documents
            WHERE space_id = $1
              AND ($2::text IS NULL OR collection = $2)
              AND ($3 OR NOT deleted)
              AND (collection, id) > ($4, $5)
            ORDER BY collection, id
            LIMIT $6) rendered) sized
        -- A page ends at the document that brings it to the byte budget ($7): later ones are not sent.
        WHERE running - size < $7) d ON true
      ORDER BY d.collection, d.id""";
  // Each document as it was just before $2 (a rules change's seq): its row if it has not changed since,
  // else the data before its first change after $2. Byte-budgeted ($6) like a listing page.
  private static final String STATES_BEFORE = """
      SELECT collection, id, version, data FROM (
        SELECT collection, id, version, data,
               sum(coalesce(octet_length(data), 0) + 100) OVER (ORDER BY collection, id ROWS UNBOUNDED PRECEDING) AS running,
               coalesce(octet_length(data), 0) + 100 AS size
        FROM (
          SELECT d.collection, d.id,
                 CASE WHEN d.seq < $2 THEN d.version ELSE f.version - 1 END AS version,
                 CASE WHEN d.seq < $2 THEN (CASE WHEN d.deleted THEN NULL ELSE d.data::text END)
                      ELSE f.before_data::text END AS data
          FROM documents d LEFT JOIN LATERAL (
            SELECT c.version, c.before_data FROM changes c
            WHERE d.seq > $2 AND c.space_id = d.space_id AND c.seq > $2 AND c.collection = d.collection AND c.doc_id = d.id
            ORDER BY c.seq LIMIT 1) f ON true
          WHERE d.space_id = $1 AND (d.collection, d.id) > ($3, $4)
          ORDER BY d.collection, d.id
          LIMIT $5) states) sized
      WHERE running - size < $6 ORDER BY collection, id""";
  private static final String ONE_JUDGED = """
      SELECT d.collection, d.id, d.version, d.data, d.deleted, d.seq, s.rules_seq
      FROM spaces s LEFT JOIN documents d ON d.space_id = s.id AND d.collection = $2 AND d.id = $3
      WHERE s.id = $1""";

  /** Where a page starts: after the document {@code (collection, id)}; both empty for the first page. */
  public record PageStart(String collection, String id) {
    public static final PageStart FIRST = new PageStart("", "");
  }

  /**
   * A page of documents, each already JSON text, with the space head of its snapshot, the key of its
   * last document, and whether more follow.
   */
  public record Page(List<String> documentsJson, PageStart last, long headSeq, String epoch, boolean hasMore,
                     long rulesSeq) {
    public Page(List<String> documentsJson, PageStart last, long headSeq, String epoch, boolean hasMore) {
      this(documentsJson, last, headSeq, epoch, hasMore, 0);
    }

    /** The same snapshot with other documents. */
    public Page with(List<String> documents, PageStart end, boolean more) {
      return new Page(documents, end, headSeq, epoch, more, rulesSeq);
    }
  }

  /** A document as it was at some seq: {@code dataJson} null if it did not exist then (or was deleted). */
  public record State(String collection, String id, long version, String dataJson) {}

  /** One page of states, and whether more follow. */
  public record States(List<State> states, PageStart last, boolean hasMore) {}

  /** A document (empty: it never existed) and the seq of the rules its space had in the same snapshot. */
  public record Judged(Optional<Document> document, long rulesSeq) {}

  private final Pool pool;
  private final long maxPageBytes;

  /** {@code maxPageBytes}: about how much data one listing page may carry ({@code limits.maxPageBytes}). */
  public DocumentStore(Pool pool, long maxPageBytes) {
    this.pool = pool;
    this.maxPageBytes = maxPageBytes;
  }

  /** Empty when the space does not exist. */
  public Future<Optional<Page>> page(String space, String collection, PageStart start, int limit, boolean includeDeleted) {
    Tuple params = Tuple.of(space, collection, includeDeleted, start.collection(), start.id(), limit + 1, maxPageBytes);
    return pool.preparedQuery(PAGE).execute(params).map(rows -> {
      RowIterator<Row> it = rows.iterator();
      if (!it.hasNext()) {
        return Optional.empty();
      }
      List<String> docs = new ArrayList<>();
      PageStart last = null;
      long head = 0;
      String epoch = null;
      long running = 0;
      long rulesSeq = 0;
      while (it.hasNext()) {
        Row row = it.next();
        head = row.getLong(0);
        epoch = row.getString(1);
        rulesSeq = row.getLong(6);
        if (row.getString(2) != null && docs.size() < limit) {
          docs.add(row.getString(4));
          last = new PageStart(row.getString(2), row.getString(3));
          running = row.getLong(5);
        } else if (row.getString(2) != null) {
          return Optional.of(new Page(docs, last, head, epoch, true, rulesSeq));
        }
      }
      return Optional.of(new Page(docs, last, head, epoch, running >= maxPageBytes, rulesSeq));
    });
  }

  /** The document and its space's rules version, read in one snapshot. */
  public Future<Judged> getJudged(String space, String collection, String id) {
    return pool.preparedQuery(ONE_JUDGED).execute(Tuple.of(space, collection, id)).map(rows -> {
      RowIterator<Row> it = rows.iterator();
      if (!it.hasNext()) {
        return new Judged(Optional.empty(), 0);
      }
      Row row = it.next();
      return new Judged(row.getString(0) == null ? Optional.empty() : Optional.of(Rows.document(row, 0)), row.getLong(6));
    });
  }

  /** The space's documents as they were just before {@code seq}, a page at a time in key order. */
  public Future<States> statesBefore(String space, long seq, PageStart start, int limit) {
    Tuple params = Tuple.of(space, seq, start.collection(), start.id(), limit + 1, maxPageBytes);
    return pool.preparedQuery(STATES_BEFORE).execute(params).map(rows -> {
      List<State> states = new ArrayList<>();
      boolean more = false;
      for (Row row : rows) {
        if (states.size() == limit) {
          more = true;
          break;
        }
        states.add(new State(row.getString(0), row.getString(1), row.getLong(2), row.getString(3)));
      }
      PageStart last = states.isEmpty() ? start
          : new PageStart(states.get(states.size() - 1).collection(), states.get(states.size() - 1).id());
      // The byte budget may end a page early without saying so: only an empty page is the end.
      return new States(states, last, more || !states.isEmpty());
    });
  }
}
