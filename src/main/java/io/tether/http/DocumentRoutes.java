package io.tether.http;

import io.tether.core.Query;

import io.tether.service.PageToken;

import io.tether.service.ReadService;
import io.tether.config.TetherConfig;
import io.tether.core.Change;
import io.tether.core.ErrorCode;
import io.tether.core.Ids;
import io.tether.core.JsonLimits;
import io.tether.core.TetherException;
import io.tether.core.WriteCommand;
import io.tether.core.WriteResult;
import io.tether.service.DocumentService;
import io.tether.store.DocumentStore;
import io.vertx.core.Future;
import java.util.Optional;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** Documents: listing with a snapshot cursor, reads with ETags, and conditional writes. */
final class DocumentRoutes {
  private static final String DOC = "/v1/spaces/:space/documents/:collection/:id";

  private final ReadService reads;
  private final DocumentService writes;
  private final JsonLimits json;
  private final TetherConfig.Limits limits;

  DocumentRoutes(ReadService reads, DocumentService writes, JsonLimits json, TetherConfig.Limits limits) {
    this.reads = reads;
    this.writes = writes;
    this.json = json;
    this.limits = limits;
  }

  void mount(Router router) {
    router.get("/v1/spaces/:space/documents").handler(this::list);
    router.get(DOC).handler(this::get);
    router.put(DOC).handler(rc -> write(rc, Change.Op.PUT));
    router.patch(DOC).handler(rc -> write(rc, Change.Op.PATCH));
    router.delete(DOC).handler(rc -> write(rc, Change.Op.DELETE));
  }

  private void list(RoutingContext rc) {
    String space = Ids.space(rc.pathParam("space"));
    String collection = rc.request().getParam("collection");
    if (collection != null) {
      Ids.collection(collection);
    }
    int limit = Requests.intParam(rc, "limit", limits.defaultPageSize(), 1, limits.maxPageSize());
    boolean includeDeleted = Requests.boolParam(rc, "includeDeleted");
    String after = rc.request().getParam("after");
    PageToken token = after == null || after.isEmpty() ? null : PageToken.decode(after);
    DocumentStore.PageStart start = token == null ? DocumentStore.PageStart.FIRST : token.start();
    String ifNoneMatch = rc.request().getHeader("If-None-Match");
    String userId = Requests.principal(rc).userId();
    Query query = Requests.query(rc, collection);
    Future<Optional<DocumentStore.Page>> found = query != null
        ? reads.filteredPage(space, userId, query, start, limit).map(page -> ifNoneMatch != null
            && listingTag(rc, page.epoch(), page.headSeq()).equals(ifNoneMatch.trim()) ? Optional.empty() : Optional.of(page))
        : ifNoneMatch == null
        ? reads.page(space, userId, collection, start, limit, includeDeleted).map(Optional::of)
        : reads.pageIfChanged(space, userId, collection, start, limit, includeDeleted,
            head -> listingTag(rc, head.epoch(), head.seq()).equals(ifNoneMatch.trim()));
    found
        .onSuccess(unchangedOrPage -> {
          if (unchangedOrPage.isEmpty()) {
            rc.response().setStatusCode(304).putHeader("ETag", ifNoneMatch.trim()).end();
            return;
          }
          DocumentStore.Page page = unchangedOrPage.get();
          long cursor = token == null ? page.headSeq() : token.cursor();
          String next = page.hasMore() ? new PageToken(cursor, page.last()).encode() : null;
          String envelope = new JsonObject().put("cursor", cursor).put("epoch", page.epoch()).put("next", next).encode();
          // The documents arrive as JSON text from PostgreSQL: spliced in, not parsed and re-encoded.
          Buffer body = Buffer.buffer(64 + page.documentsJson().size() * 256).appendString("{\"documents\":[")
              .appendString(String.join(",", page.documentsJson())).appendString("],").appendString(envelope.substring(1))
              .appendString("\n");
          rc.response().setStatusCode(200).putHeader("Content-Type", "application/json")
              .putHeader("ETag", listingTag(rc, page.epoch(), page.headSeq())).end(body);
        })
        .onFailure(rc::fail);
  }

  /** A listing's ETag: the space's life and head, and the exact query, so tags never match across URLs. */
  private static String listingTag(RoutingContext rc, String epoch, long headSeq) {
    String query = rc.request().query() == null ? "" : rc.request().query();
    return "\"L" + headSeq + "-" + Integer.toHexString((epoch + "?" + query).hashCode()) + "\"";
  }

  private void get(RoutingContext rc) {
    String space = Ids.space(rc.pathParam("space"));
    String collection = Ids.collection(rc.pathParam("collection"));
    String id = Ids.document(rc.pathParam("id"));
    reads.document(space, Requests.principal(rc).userId(), collection, id)
        .onSuccess(doc -> {
          String etag = Preconditions.etag(doc.version());
          rc.response().putHeader("ETag", etag);
          String ifNoneMatch = rc.request().getHeader("If-None-Match");
          if (ifNoneMatch != null && ifNoneMatch.trim().equals(etag)) {
            rc.response().setStatusCode(304).end();
          } else {
            Requests.json(rc, 200, doc.toJson());
          }
        })
        .onFailure(rc::fail);
  }

  private void write(RoutingContext rc, Change.Op op) {
    String space = Ids.space(rc.pathParam("space"));
    String collection = Ids.collection(rc.pathParam("collection"));
    String id = Ids.document(rc.pathParam("id"));
    JsonObject data = op == Change.Op.DELETE ? null : body(rc, op);
    WriteCommand command = new WriteCommand(space, collection, id, op, data, Preconditions.of(rc.request()), null,
        Requests.principal(rc).userId());
    writes.write(command).onSuccess(result -> respond(rc, op, result)).onFailure(rc::fail);
  }

  private JsonObject body(RoutingContext rc, Change.Op op) {
    // A merge patch sent as a PUT would replace the document with the patch: refused, not guessed.
    if (!Requests.isJson(rc) || op != Change.Op.PATCH && Requests.mediaType(rc).equals("application/merge-patch+json")) {
      throw new TetherException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, op == Change.Op.PATCH
          ? "PATCH takes application/merge-patch+json"
          : "PUT takes application/json");
    }
    if (rc.body().length() > limits.maxDocumentBytes()) {
      throw new TetherException(ErrorCode.TOO_LARGE, "document exceeds " + limits.maxDocumentBytes() + " bytes");
    }
    return Requests.body(rc, json);
  }

  private static void respond(RoutingContext rc, Change.Op op, WriteResult result) {
    rc.response().putHeader("ETag", Preconditions.etag(result.document().version()));
    if (op == Change.Op.DELETE) {
      Requests.json(rc, 200, new JsonObject().put("version", result.document().version()).put("seq", result.change().seq()));
    } else {
      Requests.json(rc, result.created() ? 201 : 200,
          new JsonObject().put("document", result.answer()).put("seq", result.change().seq()));
    }
  }
}
