package io.tether.http;

import io.tether.core.Precondition;
import io.tether.core.TetherException;
import io.vertx.core.http.HttpServerRequest;

/** Reads {@code If-Match} / {@code If-None-Match} of a write. ETags are the version in quotes: {@code "3"}. */
final class Preconditions {
  private Preconditions() {}

  static Precondition of(HttpServerRequest request) {
    if (request.headers().getAll("If-Match").size() > 1 || request.headers().getAll("If-None-Match").size() > 1) {
      throw TetherException.badRequest("send each precondition header once");
    }
    String ifMatch = request.getHeader("If-Match");
    String ifNoneMatch = request.getHeader("If-None-Match");
    if (ifMatch != null && ifNoneMatch != null) {
      throw TetherException.badRequest("send If-Match or If-None-Match, not both");
    }
    if (ifNoneMatch != null) {
      if (!ifNoneMatch.trim().equals("*")) {
        throw TetherException.badRequest("on writes If-None-Match only supports *");
      }
      return Precondition.ABSENT;
    }
    if (ifMatch != null) {
      return ifMatch.trim().equals("*") ? Precondition.PRESENT : Precondition.version(version(ifMatch));
    }
    return Precondition.NONE;
  }

  static String etag(long version) {
    return "\"" + version + "\"";
  }

  /** The version an ETag names; weak and unquoted forms are accepted. */
  static long version(String etag) {
    String value = etag.trim();
    if (value.startsWith("W/")) {
      value = value.substring(2);
    }
    if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
      value = value.substring(1, value.length() - 1);
    }
    try {
      long version = Long.parseLong(value);
      if (version > 0) {
        return version;
      }
    } catch (NumberFormatException ignored) {
      // falls through to the 400
    }
    throw TetherException.badRequest("an ETag must be a quoted version such as \"3\"");
  }
}
