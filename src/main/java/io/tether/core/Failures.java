package io.tether.core;

import io.vertx.core.VertxException;
import io.vertx.core.json.DecodeException;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import io.vertx.core.http.ConnectionPoolTooBusyException;

/** The one mapping from a failure to the error a client gets, shared by REST, the sync protocol and GraphQL. */
public final class Failures {
  private Failures() {}

  /**
   * What {@code failure} means to a client: a {@link TetherException} as it is; a dependency that may
   * recover (the database restarting, a pool that is full, a timeout) as unavailable, so the client
   * retries; anything else as internal. {@code status} is the status a handler already chose, if any.
   */
  public static TetherException classify(Throwable failure, int status) {
    if (failure instanceof TetherException te) {
      return te;
    }
    if (failure instanceof DecodeException) {
      return TetherException.badRequest("malformed JSON");
    }
    if (failure instanceof HttpException http) {
      return fromStatus(http.getStatusCode());
    }
    if (status >= 400 && status < 500) {
      return fromStatus(status); // a handler (CORS, body limits) refused the request with a status of its own
    }
    if (failure instanceof PgException pg && pg.getSqlState() != null && pg.getSqlState().startsWith("40")) {
      // Deadlock or serialization failure: nothing was committed, and the same request can simply be retried.
      return new TetherException(ErrorCode.UNAVAILABLE, "conflicting concurrent transaction; retry");
    }
    if (failure instanceof PgException pg && isServerGoingAway(pg.getSqlState())) {
      return new TetherException(ErrorCode.UNAVAILABLE, "the database is restarting or overloaded; retry later");
    }
    if (failure instanceof ConnectionPoolTooBusyException || isPoolWaitTimeout(failure)) {
      // The pool's wait queue is full, or no connection came free within pg.connectTimeoutMillis:
      // refuse rather than queue without bound.
      return new TetherException(ErrorCode.UNAVAILABLE, "the server is busy; retry later");
    }
    if (failure instanceof PgException || failure == null && status >= 500) {
      return new TetherException(ErrorCode.INTERNAL, "internal error");
    }
    if (isTransient(failure)) {
      // The database (or its pool) cannot serve us right now; the client may retry.
      return new TetherException(ErrorCode.UNAVAILABLE, "temporarily unavailable; retry later");
    }
    return failure == null ? fromStatus(status) : new TetherException(ErrorCode.INTERNAL, "internal error");
  }

  /**
   * Connection exceptions (08), insufficient resources (53: too many connections, out of memory or
   * disk) and operator intervention (57P01-57P03: shutdown, crash recovery, starting up): the
   * transaction did not commit, and a retry on a recovered server will do.
   */
  private static boolean isServerGoingAway(String sqlState) {
    return sqlState != null && (sqlState.startsWith("08") || sqlState.startsWith("53")
        || sqlState.equals("57P01") || sqlState.equals("57P02") || sqlState.equals("57P03"));
  }

  /** Vert.x 5's pool reports its wait timeout as a plain VertxException: its message is all there is to go by. */
  private static boolean isPoolWaitTimeout(Throwable failure) {
    return failure instanceof VertxException && failure.getMessage() != null
        && failure.getMessage().startsWith("Timeout waiting for connection");
  }

  /** Failures of a dependency that should pass (a connection refused or lost, a pool or query timeout). */
  private static boolean isTransient(Throwable failure) {
    // A connection refused, reset or closed under a query (a database restarting) is I/O trouble with a
    // dependency: the request can be retried. The client's own connection failing never gets here.
    if (failure instanceof java.io.IOException || failure instanceof ClosedConnectionException) {
      return true;
    }
    String type = failure == null ? "" : failure.getClass().getSimpleName();
    return type.contains("Timeout") || type.contains("ConnectException");
  }

  private static TetherException fromStatus(int status) {
    return switch (status) {
      case 400 -> TetherException.badRequest("bad request");
      case 401 -> new TetherException(ErrorCode.UNAUTHORIZED, "authentication required");
      case 403 -> TetherException.forbidden("forbidden");
      case 404 -> TetherException.notFound("no such resource");
      case 405 -> new TetherException(ErrorCode.METHOD_NOT_ALLOWED, "method not allowed on this resource");
      case 413 -> new TetherException(ErrorCode.TOO_LARGE, "request body too large");
      case 415 -> new TetherException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "unsupported content type");
      case 431 -> new TetherException(ErrorCode.HEADERS_TOO_LARGE, "request headers too large or too many");
      case 503 -> new TetherException(ErrorCode.UNAVAILABLE, "temporarily unavailable; retry later");
      default -> new TetherException(ErrorCode.INTERNAL, "internal error");
    };
  }
}
