package io.tether.sync;

import io.tether.core.SpaceInfo;
import io.tether.store.ChangeLog;
import io.vertx.core.Future;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A space's head as the subscribes of one event loop ask for it: lookups of the same space that
 * overlap share one query. A connect storm into one space (every phone of a team after a deploy)
 * then costs the database one query per round trip instead of one per socket, and cannot fill the
 * pool's wait queue. A lookup that starts after the shared one answered asks again, so nothing
 * older than one round trip is served. Confined to its event loop, as the futures it shares are.
 */
final class HeadLookups {
  private final ChangeLog changeLog;
  private final Map<String, Future<Optional<SpaceInfo>>> inFlight = new HashMap<>();

  HeadLookups(ChangeLog changeLog) {
    this.changeLog = changeLog;
  }

  Future<Optional<SpaceInfo>> head(String space) {
    Future<Optional<SpaceInfo>> pending = inFlight.get(space);
    if (pending != null) {
      return pending;
    }
    Future<Optional<SpaceInfo>> lookup = changeLog.head(space);
    if (lookup.isComplete()) {
      return lookup;
    }
    inFlight.put(space, lookup);
    return lookup.andThen(ar -> inFlight.remove(space, lookup));
  }

  int inFlight() {
    return inFlight.size();
  }
}
