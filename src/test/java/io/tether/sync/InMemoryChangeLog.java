package io.tether.sync;

import io.tether.core.ChangeFrame;
import io.tether.core.Change;
import io.tether.core.SpaceInfo;
import io.tether.store.ChangeLog;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A change log in memory, for unit tests of the delivery classes (the integration tests use PostgreSQL). */
class InMemoryChangeLog implements ChangeLog {
  private final Map<String, List<Change>> log = new HashMap<>();

  synchronized Change commit(String space) {
    List<Change> changes = log.computeIfAbsent(space, s -> new ArrayList<>());
    long seq = changes.size() + 1;
    Change change = new Change(space, seq, "c", "d" + seq, Change.Op.PUT, 1, new JsonObject().put("seq", seq), false,
        null, "tester", Instant.now());
    changes.add(change);
    return change;
  }

  @Override
  public synchronized Future<Page<Change>> readAfter(String space, long since, int limit, boolean withBefore) {
    List<Change> out = new ArrayList<>();
    boolean more = false;
    for (Change c : log.getOrDefault(space, List.of())) {
      if (c.seq() > since) {
        if (out.size() < limit) {
          out.add(c);
        } else {
          more = true;
        }
      }
    }
    return Future.succeededFuture(new Page<>(out, more));
  }

  @Override
  public Future<Page<ChangeFrame>> readFramesAfter(String space, long since, int limit, boolean withBefore) {
    return readAfter(space, since, limit).map(page -> new Page<>(page.items().stream().map(ChangeFrame::of).toList(),
        page.more()));
  }

  @Override
  public synchronized Future<Optional<SpaceInfo>> head(String space) {
    return Future.succeededFuture(Optional.of(new SpaceInfo(space, log.getOrDefault(space, List.of()).size(), "epoch-1", 0)));
  }

  @Override
  public synchronized Future<Map<String, Long>> heads(Collection<String> spaces) {
    Map<String, Long> heads = new HashMap<>();
    spaces.forEach(s -> heads.put(s, (long) log.getOrDefault(s, List.of()).size()));
    return Future.succeededFuture(heads);
  }
}
