package io.tether.client;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import org.jspecify.annotations.Nullable;

/** What listeners are told. */
public final class Events {
  private Events() {}

  /** A write the server did not apply because the document changed first: {@code current} is the server's. */
  public static final class Conflict {
    public final Mutation mutation;
    public final @Nullable JsonObject current;

    Conflict(Mutation mutation, @Nullable JsonObject current) {
      this.mutation = mutation;
      this.current = current;
    }
  }

  /** A write the server refused (forbidden, invalid, too large, …): dropped from the queue, never retried. */
  public static final class Rejection {
    public final Mutation mutation;
    public final TetherException error;

    Rejection(Mutation mutation, TetherException error) {
      this.mutation = mutation;
      this.error = error;
    }
  }

  /** One member's presence in a space. */
  public static final class Presence {
    public final String userId;
    public final int connections;
    public final @Nullable JsonElement state;
    public final @Nullable String displayName;

    Presence(JsonObject o) {
      this.userId = o.get("userId").getAsString();
      this.connections = o.has("connections") ? o.get("connections").getAsInt() : 1;
      this.state = o.has("state") && !o.get("state").isJsonNull() ? o.get("state") : null;
      this.displayName = o.has("displayName") && !o.get("displayName").isJsonNull() ? o.get("displayName").getAsString() : null;
    }
  }

  /** An ephemeral message from another member. */
  public static final class Signal {
    public final String from;
    public final JsonElement data;

    Signal(String from, JsonElement data) {
      this.from = from;
      this.data = data;
    }
  }

  /** The space has been (re)synced from {@code cursor}; {@code fromSavedCopy} says no full reload was needed. */
  public static final class Synced {
    public final long cursor;
    public final String epoch;
    public final boolean fromSavedCopy;

    Synced(long cursor, String epoch, boolean fromSavedCopy) {
      this.cursor = cursor;
      this.epoch = epoch;
      this.fromSavedCopy = fromSavedCopy;
    }
  }
}
