package io.tether.store;

import io.tether.core.Change;
import io.tether.core.Document;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.OffsetDateTime;

/** Row-to-record mapping shared by the stores; column order is fixed by the SELECT lists below. */
final class Rows {
  static final String DOCUMENT_COLUMNS = "collection, id, version, data, deleted, seq";
  static final String CHANGE_COLUMNS = "seq, collection, doc_id, op, version, data, deleted, mutation_id, actor, ts";

  private Rows() {}

  static Document document(Row row, int offset) {
    return new Document(row.getString(offset), row.getString(offset + 1), row.getLong(offset + 2),
        (JsonObject) row.getValue(offset + 3), row.getBoolean(offset + 4), row.getLong(offset + 5));
  }

  static Change change(String space, Row row) {
    return new Change(space, row.getLong(0), row.getString(1), row.getString(2), Change.Op.fromWire(row.getString(3)),
        row.getLong(4), (JsonObject) row.getValue(5), row.getBoolean(6), row.getString(7), row.getString(8),
        row.get(OffsetDateTime.class, 9).toInstant(), row.size() > 12 ? (JsonObject) row.getValue(12) : null);
  }
}
