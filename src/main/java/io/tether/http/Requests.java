package io.tether.http;

import io.tether.core.ErrorCode;
import io.tether.core.JsonLimits;
import io.tether.core.Principal;
import io.tether.core.TetherException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;

/** Reading what a request carries, with 400s for anything malformed. */
final class Requests {
  static final String PRINCIPAL = "tether.principal";

  private Requests() {}

  static Principal principal(RoutingContext rc) {
    return rc.get(PRINCIPAL);
  }

  /**
   * The JSON object in the body. A body declared as something else is refused with 415 on every
   * route alike: a request without a Content-Type is read as JSON (curl, quick scripts), but a
   * {@code text/plain} or form body is not, which also keeps a browser's preflight-free "simple"
   * cross-site POST from reaching a JSON route.
   */
  static JsonObject body(RoutingContext rc, JsonLimits limits) {
    if (!isJson(rc)) {
      throw new TetherException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "the body must be application/json");
    }
    return limits.parseObject(rc.body().buffer());
  }

  /** No Content-Type, {@code application/json} or any {@code application/…+json} (merge patches included). */
  static boolean isJson(RoutingContext rc) {
    String media = mediaType(rc);
    return media.isEmpty() || media.equals("application/json") || media.startsWith("application/") && media.endsWith("+json");
  }

  /** The Content-Type without parameters, lower case; empty when there is none. */
  static String mediaType(RoutingContext rc) {
    String type = rc.request().getHeader("Content-Type");
    return type == null ? "" : type.split(";")[0].trim().toLowerCase(Locale.ROOT);
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

  /** A JSON answer, ending in a newline so that answers printed in a terminal do not run together. */
  static void json(RoutingContext rc, int status, JsonObject body) {
    rc.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.toBuffer().appendByte((byte) '\n'));
  }

  /**
   * A listing's query, or null without {@code where}: a URL-encoded JSON array of conditions on
   * {@code collection} (the same as a subscription's query).
   */
  static io.tether.core.Query query(RoutingContext rc, String collection) {
    String where = rc.request().getParam("where");
    if (where == null) {
      return null;
    }
    if (collection == null) {
      throw TetherException.badRequest("where needs a collection parameter");
    }
    Object conditions;
    try {
      conditions = new io.vertx.core.json.JsonArray(where);
    } catch (RuntimeException e) {
      throw TetherException.badRequest("where must be a JSON array of [path, op, value]");
    }
    return io.tether.core.Query.of(collection, conditions);
  }
}
