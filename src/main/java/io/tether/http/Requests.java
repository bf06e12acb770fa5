package io.tether.http;

import io.tether.core.JsonLimits;
import io.tether.core.Principal;
import io.tether.core.TetherException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Reading what a request carries, with 400s for anything malformed. */
final class Requests {
  static final String PRINCIPAL = "tether.principal";

  private Requests() {}

  static Principal principal(RoutingContext rc) {
    return rc.get(PRINCIPAL);
  }

  static JsonObject body(RoutingContext rc, JsonLimits limits) {
    return limits.parseObject(rc.body().buffer());
  }

  /** 204 when something was deleted, otherwise a 404 naming what was not found. */
  static void deleted(RoutingContext rc, boolean deleted, String notFound) {
    if (deleted) {
      rc.response().setStatusCode(204).end();
    } else {
      rc.fail(TetherException.notFound(notFound));
    }
  }

  static int intParam(RoutingContext rc, String name, int fallback, int min, int max) {
    String raw = rc.request().getParam(name);
    if (raw == null || raw.isEmpty()) {
      return fallback;
    }
    try {
      int value = Integer.parseInt(raw);
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException ignored) {
      // falls through to the 400
    }
    throw TetherException.badRequest(name + " must be an integer from " + min + " to " + max);
  }

  static long longParam(RoutingContext rc, String name, long fallback) {
    String raw = rc.request().getParam(name);
    if (raw == null || raw.isEmpty()) {
      return fallback;
    }
    try {
      long value = Long.parseLong(raw);
      if (value >= 0) {
        return value;
      }
    } catch (NumberFormatException ignored) {
      // falls through to the 400
    }
    throw TetherException.badRequest(name + " must be a non-negative integer");
  }

  static boolean boolParam(RoutingContext rc, String name) {
    String raw = rc.request().getParam(name);
    if (raw == null || raw.equals("false")) {
      return false;
    }
    if (raw.equals("true")) {
      return true;
    }
    throw TetherException.badRequest(name + " must be true or false");
  }

  static void json(RoutingContext rc, int status, JsonObject body) {
    rc.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.toBuffer());
  }
}
