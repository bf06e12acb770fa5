package io.tether.http;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * What a browser loads: the client library at {@code /client/tether.js} (with its types) and the demo
 * at {@code /}. These pages may run their own scripts and talk to this origin, and nothing else.
 */
final class WebPages {
  private static final String PAGE_POLICY = "default-src 'self'; connect-src 'self'; img-src 'self' data:; "
      + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  void mount(Router router) {
    router.route("/client/*").handler(this::pageHeaders).handler(StaticHandler.create("webroot/client")
        .setCachingEnabled(false).setDirectoryListing(false));
    router.route("/demo/*").handler(this::pageHeaders).handler(StaticHandler.create("webroot/demo")
        .setCachingEnabled(false).setDirectoryListing(false));
    router.get("/").handler(this::pageHeaders).handler(rc -> rc.reroute("/demo/index.html"));
    // Browsers ask for /favicon.ico whatever the page says: both names answer the same small SVG.
    for (String icon : new String[] {"/favicon.ico", "/favicon.svg"}) {
      router.get(icon).handler(rc -> rc.response().putHeader("Content-Type", "image/svg+xml")
          .putHeader("Cache-Control", "public, max-age=86400").sendFile("webroot/favicon.svg"));
    }
  }

  private void pageHeaders(RoutingContext rc) {
    rc.response().headers()
        .set("Content-Security-Policy", PAGE_POLICY)
        // Revalidated on every load, so a deployment's new client reaches browsers at once.
        .set("Cache-Control", "no-cache");
    rc.next();
  }
}
