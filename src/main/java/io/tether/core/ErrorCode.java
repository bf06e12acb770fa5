package io.tether.core;

/** The closed set of machine error codes of the protocol, each with its HTTP status. */
public enum ErrorCode {
  BAD_REQUEST(400, "bad_request"),
  UNAUTHORIZED(401, "unauthorized"),
  /** The access token was genuine but has expired: refresh it (any other 401: sign in again). */
  TOKEN_EXPIRED(401, "token_expired"),
  /** A service key used where only apps' users may go (the socket, /v1/me): use the REST API or GraphQL. */
  SERVICE_KEY_NOT_ALLOWED(401, "service_key_not_allowed"),
  FORBIDDEN(403, "forbidden"),
  /** A service key without the scope the call needs (named in {@code scope}). */
  INSUFFICIENT_SCOPE(403, "insufficient_scope"),
  /** The action needs a recent sign-in or the password (deleting the account). */
  REAUTHENTICATION_REQUIRED(403, "reauthentication_required"),
  NOT_FOUND(404, "not_found"),
  METHOD_NOT_ALLOWED(405, "method_not_allowed"),
  CONFLICT(409, "conflict"),
  RESYNC_REQUIRED(410, "resync_required"),
  INVITE_EXPIRED(410, "invite_expired"),
  INVITE_REVOKED(410, "invite_revoked"),
  INVITE_USED_UP(410, "invite_used_up"),
  /** A code sent by email (password reset, verification) past its time. */
  CODE_EXPIRED(410, "code_expired"),
  /** A code sent by email that has already been used: each works once. */
  CODE_USED(410, "code_used"),
  PRECONDITION_FAILED(412, "precondition_failed"),
  TOO_LARGE(413, "too_large"),
  UNSUPPORTED_MEDIA_TYPE(415, "unsupported_media_type"),
  URI_TOO_LONG(414, "too_large"),
  RATE_LIMITED(429, "rate_limited"),
  HEADERS_TOO_LARGE(431, "too_large"),
  INTERNAL(500, "internal"),
  UNAVAILABLE(503, "unavailable");

  private final int status;
  private final String code;

  ErrorCode(int status, String code) {
    this.status = status;
    this.code = code;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  /** The first code with this wire name (several statuses share "too_large"); unknown names are internal. */
  public static ErrorCode fromCode(String code) {
    for (ErrorCode candidate : values()) {
      if (candidate.code.equals(code)) {
        return candidate;
      }
    }
    return INTERNAL;
  }
}
