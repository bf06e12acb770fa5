package io.tether.core;

import io.vertx.core.json.JsonObject;

/**
 * A failure the client caused or must react to, with its protocol code. {@code details} are extra
 * top-level fields of the error body (for example the current document of a failed precondition).
 */
public class TetherException extends RuntimeException {
  private final ErrorCode code;
  private final JsonObject details;

  public TetherException(ErrorCode code, String message) {
    this(code, message, null);
  }

  public TetherException(ErrorCode code, String message, JsonObject details) {
    super(message, null, false, false);
    this.code = code;
    this.details = details;
  }

  public ErrorCode code() {
    return code;
  }

  /** Extra fields for the error body, or null. */
  public JsonObject details() {
    return details;
  }

  public static TetherException badRequest(String message) {
    return new TetherException(ErrorCode.BAD_REQUEST, message);
  }

  public static TetherException forbidden(String message) {
    return new TetherException(ErrorCode.FORBIDDEN, message);
  }

  public static TetherException notFound(String message) {
    return new TetherException(ErrorCode.NOT_FOUND, message);
  }

  /** The body every error path renders: {@code {"error": {"code", "message"}, ...details}}. */
  public JsonObject toJson() {
    JsonObject body = new JsonObject().put("error",
        new JsonObject().put("code", code.code()).put("message", getMessage()));
    if (details != null) {
      body.mergeIn(details);
    }
    return body;
  }
}
