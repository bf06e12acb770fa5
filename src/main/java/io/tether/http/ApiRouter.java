package io.tether.http;

import io.tether.Node;
import io.tether.sync.SyncEndpoint;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;

/** All routes of the API, in one place; verticles and tests build exactly this router. */
public final class ApiRouter {
  private ApiRouter() {}

  public static Router create(Vertx vertx, Node node, SyncEndpoint sync) {
    Router router = Router.router(vertx);
    new HealthRoutes(node.pool(), node.bus()).mount(router);
    router.get("/openapi.yaml").handler(rc -> vertx.fileSystem().readFile("webroot/openapi.yaml")
        .onSuccess(yaml -> rc.response().putHeader("Content-Type", "application/yaml; charset=utf-8").end(yaml))
        .onFailure(rc::fail));

    router.get("/v1/sync").handler(sync::handle);

    router.route("/v1/*").handler(BodyHandler.create(false).setBodyLimit(node.config().http().maxBodyBytes()));
    AuthRoutes auth = new AuthRoutes(node.accounts(), node.tokens(), node.json());
    auth.mount(router);
    router.route("/v1/spaces/*").handler(auth::authenticate);
    new SpaceRoutes(node.spaces(), node.users(), node.access(), node.changeLog(), node.json()).mount(router);
    new DocumentRoutes(node.documents(), node.documentService(), node.access(), node.json(), node.config().limits())
        .mount(router);
    new ChangeRoutes(node.changeLog(), node.access(), node.config().limits()).mount(router);
    new MutationRoutes(node.mutations(), node.json()).mount(router);

    router.route().failureHandler(ErrorResponses::render);
    for (int status : new int[] {400, 401, 403, 404, 405, 413, 415, 500, 503}) {
      router.errorHandler(status, ErrorResponses::render);
    }
    return router;
  }
}
