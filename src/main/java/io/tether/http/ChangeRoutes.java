package io.tether.http;

import io.tether.auth.SpaceAccess;
import io.tether.config.TetherConfig;
import io.tether.core.Change;
import io.tether.core.ErrorCode;
import io.tether.core.Ids;
import io.tether.core.SpaceInfo;
import io.tether.core.TetherException;
import io.tether.store.ChangeLog;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/** {@code GET /v1/spaces/{space}/changes?since=N&limit=M}: the change log after a cursor. */
final class ChangeRoutes {
  private final ChangeLog changeLog;
  private final SpaceAccess access;
  private final TetherConfig.Limits limits;

  ChangeRoutes(ChangeLog changeLog, SpaceAccess access, TetherConfig.Limits limits) {
    this.changeLog = changeLog;
    this.access = access;
    this.limits = limits;
  }

  void mount(Router router) {
    router.get("/v1/spaces/:space/changes").handler(this::changes);
  }

  private void changes(RoutingContext rc) {
    String space = Ids.space(rc.pathParam("space"));
    long since = Requests.longParam(rc, "since", 0);
    int limit = Requests.intParam(rc, "limit", limits.defaultPageSize(), 1, limits.maxPageSize());
    String epoch = rc.request().getParam("epoch");
    access.toRead(space, Requests.principal(rc).userId())
        .compose(role -> changeLog.head(space))
        .compose(head -> {
          SpaceInfo info = head.orElseThrow();
          if (!info.canServe(since, epoch)) {
            return Future.failedFuture(resyncRequired(info, info.minSeq()));
          }
          return changeLog.readAfter(space, since, limit + 1).map(changes -> page(changes, since, limit, info));
        })
        .onSuccess(body -> Requests.json(rc, 200, body))
        .onFailure(rc::fail);
  }

  private static JsonObject page(List<Change> changes, long since, int limit, SpaceInfo info) {
    if (!changes.isEmpty() && changes.get(0).seq() != since + 1) {
      throw resyncRequired(info, changes.get(0).seq() - 1);
    }
    boolean more = changes.size() > limit;
    List<Change> shown = more ? changes.subList(0, limit) : changes;
    JsonArray out = new JsonArray();
    shown.forEach(c -> out.add(c.toJson()));
    long cursor = shown.isEmpty() ? since : shown.get(shown.size() - 1).seq();
    return new JsonObject().put("changes", out).put("cursor", cursor).put("epoch", info.epoch()).put("hasMore", more);
  }

  private static TetherException resyncRequired(SpaceInfo info, long minSeq) {
    return new TetherException(ErrorCode.RESYNC_REQUIRED, "this cursor cannot be served; reload the space",
        new JsonObject().put("minSeq", minSeq).put("epoch", info.epoch()));
  }
}
