package io.tether.service;

import io.tether.core.Query;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

import io.tether.auth.SpaceAccess;
import io.tether.core.Change;
import io.tether.core.Document;
import io.tether.core.ErrorCode;
import io.tether.core.SpaceInfo;
import io.tether.core.TetherException;
import io.tether.store.ChangeLog;
import io.tether.store.DocumentStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import io.tether.presence.Member;
import io.tether.presence.PresenceService;

/**
 * The reads every API serves (REST and GraphQL): a space's head, one document, a page of the
 * listing, a page of the change log. Each checks the caller's role first.
 */
public final class ReadService {
  private final SpaceAccess access;
  private final DocumentStore documents;
  private final ChangeLog changeLog;
  private final FirstPageCache firstPages;
  private final PresenceService presence;

  public ReadService(SpaceAccess access, DocumentStore documents, ChangeLog changeLog, FirstPageCache firstPages,
                     PresenceService presence) {
    this.access = access;
    this.documents = documents;
    this.changeLog = changeLog;
    this.firstPages = firstPages;
    this.presence = presence;
  }

  /** Whether {@code userId} may read the space, as the node's membership cache (cleared by every revocation it hears) says. */
  public Future<Void> reader(String space, String userId) {
    return access.toRead(space, userId).mapEmpty();
  }

  /** Whether {@code userId} may still read the space, asked of PostgreSQL rather than the node's cache. */
  public Future<Void> stillReader(String space, String userId) {
    return access.toReadNow(space, userId).mapEmpty();
  }

  /** Who is in the space now, across the cluster. */
  public Future<List<Member>> presence(String space, String userId) {
    return access.toRead(space, userId).compose(role -> presence.members(space));
  }

  /** {@code {id, seq, epoch, role}}. */
  public Future<JsonObject> space(String space, String userId) {
    return access.toRead(space, userId).compose(role -> changeLog.head(space).map(head -> new JsonObject()
        .put("id", space)
        .put("seq", head.orElseThrow().seq())
        .put("epoch", head.orElseThrow().epoch())
        .put("role", role.wire())));
  }

  /** The live document; tombstones are not found. */
  public Future<Document> document(String space, String userId, String collection, String id) {
    return access.toRead(space, userId)
        .compose(role -> documents.get(space, collection, id))
        .map(found -> found.filter(d -> !d.deleted()).orElseThrow(() -> TetherException.notFound("no such document")));
  }

  /** One page of the snapshot-consistent listing; a first page comes from the cache while the space's head has not moved. */
  public Future<DocumentStore.Page> page(String space, String userId, String collection, DocumentStore.PageStart start,
                                         int limit, boolean includeDeleted) {
    return access.toRead(space, userId).compose(role -> start.equals(DocumentStore.PageStart.FIRST)
        ? changeLog.head(space).compose(head -> firstPage(space, collection, limit, includeDeleted, head))
        : read(space, collection, start, limit, includeDeleted));
  }

  /**
   * The same page, or empty when {@code clientIsCurrent} says the copy the client holds (its ETag
   * names the head it was read at) is still the space's: a phone asking again costs one head lookup,
   * as every write moves the head.
   */
  public Future<Optional<DocumentStore.Page>> pageIfChanged(String space, String userId, String collection,
                                                            DocumentStore.PageStart start, int limit,
                                                            boolean includeDeleted, Predicate<SpaceInfo> clientIsCurrent) {
    return access.toRead(space, userId).compose(role -> changeLog.head(space)).compose(head -> {
      if (head.isPresent() && clientIsCurrent.test(head.get())) {
        return Future.succeededFuture(Optional.empty());
      }
      return (start.equals(DocumentStore.PageStart.FIRST)
          ? firstPage(space, collection, limit, includeDeleted, head)
          : read(space, collection, start, limit, includeDeleted)).map(Optional::of);
    });
  }

  /** Rows of the collection one filtered listing page reads, matching or not. */
  public static final int FILTER_SCAN_ROWS = 1000;

  /**
   * A page of the documents {@code query} selects, tombstones never included: one snapshot read of
   * up to {@link #FILTER_SCAN_ROWS} documents of its collection (and the byte budget), filtered with
   * the same rules as a filtered subscription. It may hold fewer than {@code limit} documents, even
   * none, and still say more follow: the client follows {@code next}.
   */
  public Future<DocumentStore.Page> filteredPage(String space, String userId, Query query, DocumentStore.PageStart start,
                                                 int limit) {
    return access.toRead(space, userId)
        .compose(role -> read(space, query.collection(), start, Math.max(limit, FILTER_SCAN_ROWS), false))
        .map(scanned -> {
          List<String> scannedJson = scanned.documentsJson();
          List<String> matching = new ArrayList<>();
          for (int i = 0; i < scannedJson.size(); i++) {
            JsonObject doc = new JsonObject(scannedJson.get(i));
            if (query.matches(doc.getString("collection"), doc.getJsonObject("data"))) {
              matching.add(scannedJson.get(i));
              if (matching.size() == limit) {
                boolean last = i == scannedJson.size() - 1;
                return new DocumentStore.Page(matching, new DocumentStore.PageStart(doc.getString("collection"),
                    doc.getString("id")), scanned.headSeq(), scanned.epoch(), !last || scanned.hasMore());
              }
            }
          }
          return new DocumentStore.Page(matching, scanned.last(), scanned.headSeq(), scanned.epoch(), scanned.hasMore());
        });
  }

  private Future<DocumentStore.Page> firstPage(String space, String collection, int limit, boolean includeDeleted,
                                               Optional<SpaceInfo> head) {
    String key = FirstPageCache.key(space, collection, limit, includeDeleted);
    DocumentStore.Page cached = head.isEmpty() ? null : firstPages.get(key, head.get().seq(), head.get().epoch());
    if (cached != null) {
      return Future.succeededFuture(cached);
    }
    // The page carries the head of its own snapshot: it is cached under that, whatever moved since.
    return read(space, collection, DocumentStore.PageStart.FIRST, limit, includeDeleted)
        .onSuccess(page -> firstPages.put(key, page));
  }

  private Future<DocumentStore.Page> read(String space, String collection, DocumentStore.PageStart start, int limit,
                                          boolean includeDeleted) {
    return documents.page(space, collection, start, limit, includeDeleted)
        .map(found -> found.orElseThrow(() -> TetherException.forbidden("not a member of this space")));
  }

  /** {@code {changes, cursor, epoch, hasMore}}, or a resync_required failure when {@code since} cannot be served. */
  public Future<JsonObject> changes(String space, String userId, long since, String epoch, int limit) {
    return changes(space, userId, since, epoch, limit, null);
  }

  /**
   * The same narrowed to {@code filter} (null: every change): up to {@code limit} changes of the log
   * are read, those that concern the filter are answered (a change, or a leave when the document left
   * it), and the cursor moves over all of them.
   */
  public Future<JsonObject> changes(String space, String userId, long since, String epoch, int limit,
                                    io.tether.core.DocumentFilter filter) {
    return access.toRead(space, userId)
        .compose(role -> changeLog.head(space))
        .compose(head -> {
          SpaceInfo info = head.orElseThrow();
          if (!info.canServe(since, epoch)) {
            return Future.failedFuture(resyncRequired(info, info.minSeq()));
          }
          return changeLog.readAfter(space, since, limit, filter != null).map(page -> changesPage(page, since, info, filter));
        });
  }

  private static JsonObject changesPage(ChangeLog.Page<Change> page, long since, SpaceInfo info,
                                        io.tether.core.DocumentFilter filter) {
    List<Change> shown = page.items();
    if (!shown.isEmpty() && shown.get(0).seq() != since + 1) {
      throw resyncRequired(info, shown.get(0).seq() - 1);
    }
    boolean more = page.more();
    JsonArray out = new JsonArray();
    for (Change c : shown) {
      io.tether.core.DocumentFilter.Verdict verdict = filter == null ? io.tether.core.DocumentFilter.Verdict.DELIVER
          : filter.judge(c.collection(), c.before(), c.deleted() ? null : c.data());
      switch (verdict) {
        case DELIVER -> out.add(c.toJson());
        case LEAVE -> out.add(Change.leave(c.space(), c.seq(), c.collection(), c.id(), c.version(), c.deleted(),
            c.actor(), Change.TS.format(c.ts())));
        case SKIP -> { }
      }
    }
    long cursor = shown.isEmpty() ? since : shown.get(shown.size() - 1).seq();
    return new JsonObject().put("changes", out).put("cursor", cursor).put("epoch", info.epoch()).put("hasMore", more);
  }

  private static TetherException resyncRequired(SpaceInfo info, long minSeq) {
    return new TetherException(ErrorCode.RESYNC_REQUIRED, "this cursor cannot be served; reload the space",
        new JsonObject().put("minSeq", minSeq).put("epoch", info.epoch()));
  }
}
