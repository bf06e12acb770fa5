package io.tether.store;

import io.vertx.pgclient.PgException;

/** SQLSTATE checks used by the stores. */
final class PgErrors {
  private PgErrors() {}

  static boolean isUniqueViolation(Throwable err) {
    return err instanceof PgException pg && "23505".equals(pg.getSqlState());
  }
}
