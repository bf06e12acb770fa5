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
      WITH head AS (SELECT seq, epoch FROM spaces WHERE id = $1)
      SELECT head.seq, head.epoch, d.collection, d.id, d.doc, d.running
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
  private static final String ONE = "SELECT " + Rows.DOCUMENT_COLUMNS
      + " FROM documents WHERE space_id = $1 AND collection = $2 AND id = $3";

  /** Where a page starts: after the document {@code (collection, id)}; both empty for the first page. */
  public record PageStart(String collection, String id) {
    public static final PageStart FIRST = new PageStart("", "");
  }

  /**
   * A page of documents, each already JSON text, with the space head of its snapshot, the key of its
   * last document, and whether more follow.
   */
  public record Page(List<String> documentsJson, PageStart last, long headSeq, String epoch, boolean hasMore) {}

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
      while (it.hasNext()) {
        Row row = it.next();
        head = row.getLong(0);
        epoch = row.getString(1);
        if (row.getString(2) != null && docs.size() < limit) {
          docs.add(row.getString(4));
          last = new PageStart(row.getString(2), row.getString(3));
          running = row.getLong(5);
        } else if (row.getString(2) != null) {
          return Optional.of(new Page(docs, last, head, epoch, true));
        }
      }
      return Optional.of(new Page(docs, last, head, epoch, running >= maxPageBytes));
    });
  }

  /** The document, tombstone included; empty if it never existed. */
  public Future<Optional<Document>> get(String space, String collection, String id) {
    return pool.preparedQuery(ONE).execute(Tuple.of(space, collection, id)).map(rows -> {
      RowIterator<Row> it = rows.iterator();
      return it.hasNext() ? Optional.of(Rows.document(it.next(), 0)) : Optional.empty();
    });
  }
}
