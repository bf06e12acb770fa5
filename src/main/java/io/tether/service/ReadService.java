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
import io.tether.core.Viewer;
import io.tether.rules.Reading;
import io.tether.rules.Rules;
import io.tether.store.ChangeLog;
import io.tether.store.RulesStore;
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
  private final RulesStore rules;

  public ReadService(SpaceAccess access, DocumentStore documents, ChangeLog changeLog, FirstPageCache firstPages,
                     PresenceService presence, RulesStore rules) {
    this.rules = rules;
    this.access = access;
    this.documents = documents;
    this.changeLog = changeLog;
    this.firstPages = firstPages;
    this.presence = presence;
  }

  /** Who is in the space now, across the cluster. */
  public Future<List<Member>> presence(String space, String userId) {
    return access.toRead(space, userId).compose(role -> presence.members(space));
  }

  /** The caller as the space's rules see them; fails with forbidden for a non-member. */
  public Future<Viewer> viewer(String space, String userId) {
    return access.toRead(space, userId).map(role -> new Viewer(userId, role));
  }

  /** The same asked of PostgreSQL, past the node's membership cache. */
  public Future<Viewer> viewerNow(String space, String userId) {
    return access.toReadNow(space, userId).map(role -> new Viewer(userId, role));
  }

  /** The rules set at {@code rulesSeq} (a head's or a snapshot's). */
  public Future<Rules> rules(String space, long rulesSeq) {
    return rules.version(space, rulesSeq);
  }

  /** Rules as compiled from their text (a rules change carries its old and new rules). */
  public Rules compileRules(JsonObject spec) {
    return rules.cache().compile(spec);
  }

  /** A page of the space's documents as they were just before {@code seq} (for a rules change there). */
  public Future<DocumentStore.States> statesBefore(String space, long seq, DocumentStore.PageStart start, int limit) {
    return documents.statesBefore(space, seq, start, limit);
  }

  /** The live document; tombstones, and documents the rules do not let the caller read, are not found. */
  public Future<Document> document(String space, String userId, String collection, String id) {
    return viewer(space, userId)
        .compose(viewer -> documents.getJudged(space, collection, id).compose(judged -> rules.version(space, judged.rulesSeq())
            .map(r -> judged.document()
                .filter(d -> !d.deleted() && r.canRead(viewer, collection, id, d.data()))
                .orElseThrow(() -> TetherException.notFound("no such document")))));
  }

  /**
   * The document as it is now if the caller may read it, else null (missing, a tombstone, or hidden
   * by the rules): for answers that would show it, such as a conflict's {@code current}.
   */
  public Future<JsonObject> readableNow(String space, String userId, String collection, String id) {
    return viewer(space, userId).compose(viewer -> documents.getJudged(space, collection, id)
        .compose(judged -> rules.version(space, judged.rulesSeq()).map(r -> judged.document()
            .filter(d -> !d.deleted() && r.canRead(viewer, collection, id, d.data()))
            .map(Document::toJson)
            .orElse(null))));
  }

  /** One page of the snapshot-consistent listing; a first page comes from the cache while the space's head has not moved. */
  public Future<DocumentStore.Page> page(String space, String userId, String collection, DocumentStore.PageStart start,
                                         int limit, boolean includeDeleted) {
    return viewer(space, userId).compose(viewer -> (start.equals(DocumentStore.PageStart.FIRST)
        ? changeLog.head(space).compose(head -> firstPage(space, collection, limit, includeDeleted, head))
        : read(space, collection, start, limit, includeDeleted)).compose(page -> readable(space, viewer, page)));
  }

  /**
   * The page as the caller may see it: what its snapshot's rules do not let them read is left out
   * (tombstones too, which no read rule can judge), so the page may be short, or empty and still
   * say more follow. Pages are read and cached whole and narrowed per caller.
   */
  private Future<DocumentStore.Page> readable(String space, Viewer viewer, DocumentStore.Page page) {
    if (page.rulesSeq() == 0) {
      return Future.succeededFuture(page);
    }
    return rules.version(space, page.rulesSeq()).map(r -> r.hasReadRules() ? narrow(page, new Reading(r, viewer, null)) : page);
  }

  /**
   * What the reader sees of the page. The rules' steps for the whole page are bounded
   * ({@link Rules.Budget#page}): once spent, the page ends at the last document judged, and the
   * client's {@code next} goes on from there.
   */
  private static DocumentStore.Page narrow(DocumentStore.Page page, Reading reading) {
    List<String> kept = new ArrayList<>();
    Rules.Budget budget = Rules.Budget.page();
    List<String> all = page.documentsJson();
    DocumentStore.PageStart judged = null;
    for (int i = 0; i < all.size(); i++) {
      JsonObject doc = new JsonObject(all.get(i));
      boolean seen = reading.sees(doc.getString("collection"), doc.getString("id"), doc.getJsonObject("data"), budget);
      if (budget.spent() && judged != null) {
        // Spent while judging this one: its verdict may be the budget's, so the next page starts at it.
        return page.with(kept, judged, true);
      }
      if (seen) {
        kept.add(all.get(i));
      }
      judged = new DocumentStore.PageStart(doc.getString("collection"), doc.getString("id"));
    }
    return page.with(kept, page.last(), page.hasMore());
  }

  /**
   * The same page, or empty when {@code clientIsCurrent} says the copy the client holds (its ETag
   * names the head it was read at) is still the space's: a phone asking again costs one head lookup,
   * as every write moves the head.
   */
  public Future<Optional<DocumentStore.Page>> pageIfChanged(String space, String userId, String collection,
                                                            DocumentStore.PageStart start, int limit,
                                                            boolean includeDeleted, Predicate<SpaceInfo> clientIsCurrent) {
    return viewer(space, userId).compose(viewer -> changeLog.head(space).compose(head -> {
      if (head.isPresent() && clientIsCurrent.test(head.get())) {
        return Future.succeededFuture(Optional.empty());
      }
      return (start.equals(DocumentStore.PageStart.FIRST)
          ? firstPage(space, collection, limit, includeDeleted, head)
          : read(space, collection, start, limit, includeDeleted))
          .compose(page -> readable(space, viewer, page)).map(Optional::of);
    }));
  }

  /** Rows of the collection one filtered listing page reads at most, matching or not. */
  public static final int FILTER_SCAN_ROWS = 1000;
  /**
   * Value comparisons one filtered listing page may make, on the event loop: a query that costs
   * more per document scans fewer rows (at least {@link #MIN_SCAN_ROWS}), and its client follows
   * {@code next} a little more often.
   */
  public static final int FILTER_PAGE_COMPARISONS = 50_000;
  static final int MIN_SCAN_ROWS = 20;

  /** The rows one page of {@code query} scans: {@link #FILTER_SCAN_ROWS}, fewer for a costly query. */
  static int scanRows(Query query, int limit) {
    int affordable = Math.max(MIN_SCAN_ROWS, FILTER_PAGE_COMPARISONS / query.comparisons());
    return Math.min(Math.max(limit, FILTER_SCAN_ROWS), affordable);
  }

  /**
   * A page of the documents {@code query} selects, tombstones never included: one snapshot read of
   * up to {@link #scanRows} documents of its collection (and the byte budget), filtered with
   * the same rules as a filtered subscription. It may hold fewer than {@code limit} documents, even
   * none, and still say more follow: the client follows {@code next}.
   */
  public Future<DocumentStore.Page> filteredPage(String space, String userId, Query query, DocumentStore.PageStart start,
                                                 int limit) {
    return viewer(space, userId).compose(viewer -> read(space, query.collection(), start, scanRows(query, limit), false)
        .compose(scanned -> rules.version(space, scanned.rulesSeq()).map(r -> {
          Reading reading = new Reading(r, viewer, io.tether.core.DocumentFilter.of(query));
          List<String> scannedJson = scanned.documentsJson();
          List<String> matching = new ArrayList<>();
          Rules.Budget budget = Rules.Budget.page();
          DocumentStore.PageStart judged = null;
          for (int i = 0; i < scannedJson.size(); i++) {
            JsonObject doc = new JsonObject(scannedJson.get(i));
            boolean seen = reading.sees(doc.getString("collection"), doc.getString("id"), doc.getJsonObject("data"), budget);
            if (budget.spent() && judged != null) {
              return scanned.with(matching, judged, true); // see narrow: the next page starts at this one
            }
            judged = new DocumentStore.PageStart(doc.getString("collection"), doc.getString("id"));
            if (seen) {
              matching.add(scannedJson.get(i));
              if (matching.size() == limit) {
                return scanned.with(matching, judged, i < scannedJson.size() - 1 || scanned.hasMore());
              }
            }
          }
          return scanned.with(matching, scanned.last(), scanned.hasMore());
        })));
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
    return viewer(space, userId).compose(viewer -> changeLog.head(space).compose(head -> {
      SpaceInfo info = head.orElseThrow();
      if (!info.canServe(since, epoch)) {
        return Future.failedFuture(resyncRequired(info, info.servableFrom()));
      }
      return rules.version(space, info.rulesSeq()).compose(r -> {
        Reading reading = new Reading(r, viewer, filter);
        // Each change is judged twice (before and after): a costly filter reads fewer of them per page.
        int affordable = filter == null ? limit
            : Math.max(MIN_SCAN_ROWS, FILTER_PAGE_COMPARISONS / (2 * filter.comparisons()));
        return changeLog.readAfter(space, since, Math.min(limit, affordable), reading.narrowed())
            .map(page -> changesPage(page, since, info, reading));
      });
    }));
  }

  private static JsonObject changesPage(ChangeLog.Page<Change> page, long since, SpaceInfo info, Reading reading) {
    List<Change> shown = page.items();
    if (!shown.isEmpty() && shown.get(0).seq() != since + 1) {
      throw resyncRequired(info, shown.get(0).seq() - 1);
    }
    boolean more = page.more();
    JsonArray out = new JsonArray();
    long cursor = since;
    for (Change c : shown) {
      if (c.op() == Change.Op.RULES) {
        // What the caller may see changed here: a page stops before it, and a reader at it reloads.
        if (cursor == since) {
          throw new TetherException(ErrorCode.RESYNC_REQUIRED, "the space's rules changed; reload the space",
              new JsonObject().put("minSeq", c.seq()).put("epoch", info.epoch()));
        }
        more = true;
        break;
      }
      cursor = c.seq();
      io.tether.core.DocumentFilter.Verdict verdict = !reading.narrowed() ? io.tether.core.DocumentFilter.Verdict.DELIVER
          : reading.judge(c.collection(), c.id(), c.before(), c.deleted() ? null : c.data());
      switch (verdict) {
        case DELIVER -> out.add(c.toJson());
        case LEAVE -> out.add(Change.leave(c.space(), c.seq(), c.collection(), c.id(), c.version(), c.deleted(),
            c.actor(), Change.TS.format(c.ts())));
        case SKIP -> { }
      }
    }
    return new JsonObject().put("changes", out).put("cursor", cursor).put("epoch", info.epoch()).put("hasMore", more);
  }

  private static TetherException resyncRequired(SpaceInfo info, long minSeq) {
    return new TetherException(ErrorCode.RESYNC_REQUIRED, "this cursor cannot be served; reload the space",
        new JsonObject().put("minSeq", minSeq).put("epoch", info.epoch()));
  }
}
