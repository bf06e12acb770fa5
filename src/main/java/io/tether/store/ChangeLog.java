package io.tether.store;

import io.tether.core.ChangeFrame;
import io.tether.core.Change;
import io.tether.core.SpaceInfo;
import io.vertx.core.Future;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The per-space history of committed changes: the truth that live delivery falls back on whenever
 * the bus loses, reorders or duplicates a message.
 */
public interface ChangeLog {

  /**
   * A page of the log: its changes in seq order, and whether more may follow it. A page ends at
   * {@code limit} changes or at the change that brings it to the store's byte budget, whichever
   * comes first (so one page of 256 KiB documents is a few MiB, not hundreds).
   */
  record Page<T>(List<T> items, boolean more) {}

  /**
   * Changes with {@code seq > since}: at most {@code limit}, and bounded in bytes. {@code withBefore}:
   * each also carries the document's data before it (for a filter); without, it is not read.
   */
  Future<Page<Change>> readAfter(String space, long since, int limit, boolean withBefore);

  default Future<Page<Change>> readAfter(String space, long since, int limit) {
    return readAfter(space, since, limit, false);
  }

  /**
   * The same changes as ready-to-send frames; the fast path of catch-up and gap filling. A feed's
   * gap fill serves filtered subscribers too and reads {@code before}; an unfiltered catch-up need not.
   */
  Future<Page<ChangeFrame>> readFramesAfter(String space, long since, int limit, boolean withBefore);

  default Future<Page<ChangeFrame>> readFramesAfter(String space, long since, int limit) {
    return readFramesAfter(space, since, limit, true);
  }

  /** The space's head (last seq and epoch), empty if the space does not exist. */
  Future<Optional<SpaceInfo>> head(String space);

  /** The last seq of each of these spaces that exists. */
  Future<Map<String, Long>> heads(Collection<String> spaces);
}
