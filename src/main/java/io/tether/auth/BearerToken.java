package io.tether.auth;

import io.tether.core.ErrorCode;
import io.tether.core.TetherException;
import java.util.List;
import java.util.Optional;

/**
 * The one reading of an {@code Authorization} header (RFC 6750): exactly one header, the scheme
 * {@code Bearer} in any case, one or more spaces, a token. REST, the sync upgrade, GraphQL and the
 * admin routes all read it here, so a header one accepts the others accept too.
 */
public final class BearerToken {
  private static final String SCHEME = "Bearer ";

  private BearerToken() {}

  /** The token of one header value, or null if the value is not a bearer credential. */
  public static String parse(String value) {
    if (value == null || !value.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
      return null;
    }
    String token = value.substring(SCHEME.length()).trim();
    return token.isEmpty() ? null : token;
  }

  /**
   * The token of a request's {@code Authorization} headers: empty if there is none; a 401 if there
   * are several (ambiguous) or the one is not a bearer credential.
   */
  public static Optional<String> of(List<String> headers) {
    if (headers.isEmpty()) {
      return Optional.empty();
    }
    String token = headers.size() == 1 ? parse(headers.get(0)) : null;
    if (token == null) {
      throw new TetherException(ErrorCode.UNAUTHORIZED, "exactly one Authorization: Bearer header is required");
    }
    return Optional.of(token);
  }

  /** Like {@link #of}, but a missing header is a 401 too. */
  public static String required(List<String> headers) {
    return of(headers).orElseThrow(
        () -> new TetherException(ErrorCode.UNAUTHORIZED, "exactly one Authorization: Bearer header is required"));
  }
}
