package io.tether.client;

import org.jspecify.annotations.Nullable;

/** What the server refused, as its error body says: the HTTP status (0 for a socket frame), a code and a message. */
public final class TetherException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int status;
  private final String code;

  public TetherException(int status, String code, String message) {
    this(status, code, message, null);
  }

  public TetherException(int status, String code, String message, @Nullable Throwable cause) {
    super(message, cause);
    this.status = status;
    this.code = code;
  }

  /** The HTTP status, or 0 when the error came as a socket frame or the network failed. */
  public int status() {
    return status;
  }

  /** The server's error code ({@code not_found}, {@code token_expired}, …), or {@code unavailable} for a network failure. */
  public String code() {
    return code;
  }
}
