package io.tether.http;

import io.tether.core.ErrorCode;
import io.tether.core.TetherException;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;

/** Security headers on every response, and a cap on the number of request headers (431). */
final class HttpHygiene {
  private final int maxHeaders;

  HttpHygiene(int maxHeaders) {
    this.maxHeaders = maxHeaders;
  }

  void handle(RoutingContext rc) {
    MultiMap headers = rc.response().headers();
    headers.set("X-Content-Type-Options", "nosniff");
    headers.set("X-Frame-Options", "DENY");
    headers.set("Referrer-Policy", "no-referrer");
    headers.set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
    headers.set("Cache-Control", "no-store");
    if (rc.request().headers().size() > maxHeaders) {
      rc.fail(new TetherException(ErrorCode.HEADERS_TOO_LARGE, "at most " + maxHeaders + " request headers"));
      return;
    }
    rc.next();
  }
}
