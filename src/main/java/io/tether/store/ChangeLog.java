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

  /** Up to {@code limit} changes with {@code seq > since}, in seq order. */
  Future<List<Change>> readAfter(String space, long since, int limit);

  /** The same changes as ready-to-send frames; the fast path of catch-up and gap filling. */
  Future<List<ChangeFrame>> readFramesAfter(String space, long since, int limit);

  /** The space's head (last seq and epoch), empty if the space does not exist. */
  Future<Optional<SpaceInfo>> head(String space);

  /** The last seq of each of these spaces that exists. */
  Future<Map<String, Long>> heads(Collection<String> spaces);
}
