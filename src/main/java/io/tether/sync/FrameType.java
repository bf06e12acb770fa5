package io.tether.sync;

import java.util.HashMap;
import java.util.Map;

/** The wire vocabulary of the sync protocol: the {@code type} of every frame, in both directions. */
public enum FrameType {
  // client to server
  AUTH("auth", true),
  SUBSCRIBE("subscribe", true),
  UNSUBSCRIBE("unsubscribe", true),
  MUTATE("mutate", true),
  PRESENCE("presence", true),
  SIGNAL("signal", true),
  PING("ping", true),
  // server to client
  AUTHENTICATED("authenticated", false),
  SYNCED("synced", false),
  CHANGE("change", false),
  UNSUBSCRIBED("unsubscribed", false),
  ACK("ack", false),
  PONG("pong", false),
  ERROR("error", false),
  RESYNC_REQUIRED("resync_required", false),
  TOKEN_EXPIRING("token_expiring", false),
  PRESENCE_STATE("presence_state", false),
  PRESENCE_DIFF("presence_diff", false),
  CURSOR("cursor", false),
  SPACE_DELETED("space_deleted", false);

  private static final Map<String, FrameType> INBOUND = new HashMap<>();

  static {
    for (FrameType type : values()) {
      if (type.inbound) {
        INBOUND.put(type.wire, type);
      }
    }
  }

  private final String wire;
  private final boolean inbound;

  FrameType(String wire, boolean inbound) {
    this.wire = wire;
    this.inbound = inbound;
  }

  /** The name on the wire. */
  public String wire() {
    return wire;
  }

  /** The client frame type named {@code wire}, or null for anything a client may not send. */
  public static FrameType inbound(Object wire) {
    return wire instanceof String name ? INBOUND.get(name) : null;
  }
}
