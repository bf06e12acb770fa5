package io.tether.sync;

/**
 * WebSocket close codes Tether uses. Clients reconnect after all of them but 1008 (fix the
 * credentials or the request first) and 1009 (the frame will never fit).
 */
public final class CloseCodes {
  /** Normal closure: the other side asked to close. */
  public static final short NORMAL = 1000;
  /** Going away: idle timeout, or the server shutting down. Reconnect. */
  public static final short GOING_AWAY = 1001;
  /**
   * Protocol error: a frame the protocol forbids (RSV bits no extension gave meaning to, a close code
   * no endpoint may send).
   */
  public static final short PROTOCOL_ERROR = 1002;
  /** Invalid payload: a text message that is not UTF-8, or compressed data that does not inflate. */
  public static final short INVALID_PAYLOAD = 1007;
  /** Policy violation: authentication failed or missing. Do not reconnect with the same token. */
  public static final short POLICY_VIOLATION = 1008;
  /** A frame larger than the configured maximum. */
  public static final short MESSAGE_TOO_BIG = 1009;
  /** Service restart (drain): reconnect, possibly to another node. */
  public static final short SERVICE_RESTART = 1012;
  /** The access token expired: reconnect with a fresh one. */
  public static final short TOKEN_EXPIRED = 4001;
  /** Rate limited. */
  public static final short RATE_LIMITED = 4029;

  private CloseCodes() {}
}
