package io.tether.http;

import io.tether.core.TetherException;
import io.vertx.ext.web.RoutingContext;

/**
 * The request target as it was sent, checked before anything decodes or routes it: every {@code %}
 * starts two hex digits, no NUL is encoded, and no path segment is {@code .} or {@code ..} in any
 * spelling; and no form body comes with a method Vert.x would fail to decode it for. Vert.x Web resolves dot segments before routing, so {@code …/documents/items/../..}
 * would reach the space itself; here it is a 400 instead, as is a target nothing could decode.
 */
final class RequestTargets {
  private RequestTargets() {}

  static void handle(RoutingContext rc) {
    String problem = problem(rc.request().uri());
    if (problem == null) {
      problem = formBodyProblem(rc.request().method(), rc.request().getHeader("Content-Type"));
    }
    if (problem != null) {
      // The body is not read: answer, and close, so a form body after a bad target is not left hanging.
      rc.response().putHeader("Connection", "close");
      rc.response().endHandler(v -> rc.request().connection().close());
      rc.fail(TetherException.badRequest(problem));
      return;
    }
    rc.next();
  }

  /** Vert.x decodes form bodies only for POST, PUT, PATCH and DELETE, and fails on any other method. */
  static String formBodyProblem(io.vertx.core.http.HttpMethod method, String contentType) {
    if (contentType == null || method == io.vertx.core.http.HttpMethod.POST || method == io.vertx.core.http.HttpMethod.PUT
        || method == io.vertx.core.http.HttpMethod.PATCH || method == io.vertx.core.http.HttpMethod.DELETE) {
      return null;
    }
    String type = contentType.toLowerCase(java.util.Locale.ROOT);
    return type.startsWith("multipart/") || type.startsWith("application/x-www-form-urlencoded")
        ? method.name() + " takes no form body" : null;
  }

  /** What is wrong with a request target, or null. */
  static String problem(String uri) {
    if (uri == null) {
      return "the request has no target";
    }
    for (int i = 0; i < uri.length(); i++) {
      if (uri.charAt(i) == '%') {
        if (i + 2 >= uri.length() || Character.digit(uri.charAt(i + 1), 16) < 0 || Character.digit(uri.charAt(i + 2), 16) < 0) {
          return "the request target has a % that is not followed by two hex digits";
        }
        if (uri.charAt(i + 1) == '0' && uri.charAt(i + 2) == '0') {
          return "the request target encodes a NUL character";
        }
      }
    }
    int query = uri.indexOf('?');
    String path = query < 0 ? uri : uri.substring(0, query);
    for (String segment : path.split("/", -1)) {
      String plain = segment.replace("%2e", ".").replace("%2E", ".");
      if (plain.equals(".") || plain.equals("..")) {
        return "the request path has a . or .. segment";
      }
    }
    return null;
  }
}
