package io.tether.core;

import java.util.Locale;

/** A member's role in a space, from least to most powerful. */
public enum Role {
  READER, WRITER, OWNER;

  public boolean canWrite() {
    return this != READER;
  }

  public boolean canManageMembers() {
    return this == OWNER;
  }

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses the wire name, or throws a 400. */
  public static Role parse(String wire) {
    if (wire != null) {
      for (Role r : values()) {
        if (r.wire().equals(wire)) {
          return r;
        }
      }
    }
    throw TetherException.badRequest("role must be one of owner, writer, reader");
  }
}
