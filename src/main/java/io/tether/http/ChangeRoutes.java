package io.tether.http;

import io.tether.config.TetherConfig;
import io.tether.core.Ids;
import io.tether.service.ReadService;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** {@code GET /v1/spaces/{space}/changes?since=N&limit=M}: the change log after a cursor. */
final class ChangeRoutes {
  private final ReadService reads;
  private final TetherConfig.Limits limits;

  ChangeRoutes(ReadService reads, TetherConfig.Limits limits) {
    this.reads = reads;
    this.limits = limits;
  }

  void mount(Router router) {
    router.get("/v1/spaces/:space/changes").handler(this::changes);
  }

  private void changes(RoutingContext rc) {
    String space = Ids.space(rc.pathParam("space"));
    long since = Requests.longParam(rc, "since", 0);
    int limit = Requests.intParam(rc, "limit", limits.defaultPageSize(), 1, limits.maxPageSize());
    String collection = rc.request().getParam("collection");
    if (collection != null) {
      io.tether.core.Ids.collection(collection);
    }
    io.tether.core.Query query = Requests.query(rc, collection);
    if (query == null && collection != null) {
      query = io.tether.core.Query.of(collection, null);
    }
    reads.changes(space, Requests.principal(rc).userId(), since, rc.request().getParam("epoch"), limit,
            query == null ? null : io.tether.core.DocumentFilter.of(query))
        .onSuccess(body -> Requests.json(rc, 200, body))
        .onFailure(rc::fail);
  }
}
