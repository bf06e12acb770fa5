package io.tether.http;

import io.tether.core.ErrorCode;
import io.tether.core.Failures;
import io.tether.core.TetherException;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one place failures become responses: every error path answers {@code {"error": {code, message}}}. */
public final class ErrorResponses {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);

  private ErrorResponses() {}

  static void render(RoutingContext rc) {
    if (rc.response().ended() || rc.response().closed()) {
      return;
    }
    TetherException error = Failures.classify(rc.failure(), rc.statusCode());
    if (error.code() == ErrorCode.INTERNAL) {
      LOG.error("Unhandled failure on {} {} (request {})", rc.request().method(), rc.request().path(),
          AccessLog.requestId(rc), rc.failure());
    } else if (error.code() == ErrorCode.UNAVAILABLE && rc.failure() != null) {
      LOG.warn("{} {} answered 503 (request {}): {}", rc.request().method(), rc.request().path(), AccessLog.requestId(rc),
          rc.failure().toString());
    }
    if (error.code() == ErrorCode.UNAUTHORIZED || error.code() == ErrorCode.TOKEN_EXPIRED) {
      rc.response().putHeader("WWW-Authenticate", challenge(rc, error));
    } else if (error.code() == ErrorCode.INSUFFICIENT_SCOPE && error.details() != null) {
      // RFC 6750 3.1: the scope the call needs.
      rc.response().putHeader("WWW-Authenticate", "Bearer error=\"insufficient_scope\", scope=\""
          + error.details().getString("scope") + "\"");
    }
    if (!rc.request().isEnded()) {
      // The body was refused unread (too large, rate limited): the connection cannot carry another request.
      rc.response().putHeader("Connection", "close");
    }
    if (error.code() == ErrorCode.RATE_LIMITED && error.details() != null) {
      rc.response().putHeader("Retry-After", String.valueOf(error.details().getLong("retryAfter", 1L)));
    }
    Requests.json(rc, error.code().status(), error.toJson());
  }

  /**
   * RFC 6750's challenge: no error code when the request had no token; {@code invalid_token} with a
   * description telling an expired token (refresh it) from any other (sign in again).
   */
  static String challenge(RoutingContext rc, TetherException error) {
    if (error.code() == ErrorCode.TOKEN_EXPIRED) {
      return "Bearer error=\"invalid_token\", error_description=\"The access token expired\"";
    }
    boolean carried = rc.request().headers().contains(io.vertx.core.http.HttpHeaders.AUTHORIZATION)
        || rc.request().getParam("access_token") != null;
    return carried ? "Bearer error=\"invalid_token\", error_description=\"The access token is invalid\"" : "Bearer";
  }

  /**
   * Requests Netty could not even parse (a header or request line over the limits, broken framing)
   * never reach the router: they get the same JSON error shape here, then the connection closes.
   */
  static void renderUnparsable(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    TetherException error;
    if (cause instanceof TooLongHttpHeaderException) {
      error = new TetherException(ErrorCode.HEADERS_TOO_LARGE, "request headers too large");
    } else if (cause instanceof TooLongHttpLineException) {
      error = new TetherException(ErrorCode.URI_TOO_LONG, "request line too long");
    } else {
      error = TetherException.badRequest("malformed HTTP request");
    }
    request.response().setStatusCode(error.code().status()).putHeader("Content-Type", "application/json")
        .putHeader("Connection", "close").end(error.toJson().toBuffer().appendByte((byte) '\n'))
        .onComplete(done -> request.connection().close());
  }
}
