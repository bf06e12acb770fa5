package io.tether.http;

import io.tether.core.Principal;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives every request an id (the caller's {@code X-Request-Id} when it is sane, a new one otherwise),
 * echoes it, and logs one access line per request with structured fields, except health probes. The
 * path is logged without its query string, which may carry an access token.
 */
final class AccessLog {
  static final String REQUEST_ID = "tether.requestId";
  private static final Logger LOG = LoggerFactory.getLogger("tether.access");
  private static final Pattern SANE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  private AccessLog() {}

  static void handle(RoutingContext rc) {
    String offered = rc.request().getHeader("X-Request-Id");
    String requestId = offered != null && SANE_ID.matcher(offered).matches() ? offered : UUID.randomUUID().toString();
    rc.put(REQUEST_ID, requestId);
    rc.response().putHeader("X-Request-Id", requestId);
    if (rc.request().path().startsWith("/health/")) {
      rc.next(); // probes every second or two would drown the requests that matter
      return;
    }
    long started = System.nanoTime();
    rc.addBodyEndHandler(v -> {
      Principal principal = Requests.principal(rc);
      var line = LOG.atInfo()
          .addKeyValue("requestId", requestId)
          .addKeyValue("method", rc.request().method().name())
          .addKeyValue("path", rc.request().path())
          .addKeyValue("status", rc.response().getStatusCode())
          .addKeyValue("durationMs", (System.nanoTime() - started) / 1_000_000)
          .addKeyValue("bytes", rc.response().bytesWritten())
          .addKeyValue("remote", ApiRouter.clientIp(rc));
      if (principal != null) {
        line = line.addKeyValue("userId", principal.userId());
      }
      line.log("{} {} {}", rc.request().method().name(), rc.request().path(), rc.response().getStatusCode());
    });
    rc.next();
  }

  static String requestId(RoutingContext rc) {
    String id = rc.get(REQUEST_ID);
    return id == null ? "-" : id;
  }
}
