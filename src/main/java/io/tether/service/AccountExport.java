package io.tether.service;

import io.tether.core.Utf8;
import io.tether.store.AccountStore;
import io.tether.store.DocumentStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code GET /v1/me/export}: one JSON document with the account, its memberships, devices and
 * sign-ins (never tokens), and the documents of the spaces the user owns (GDPR articles 15 and 20).
 * Written as it is read, a page of documents at a time, each page waiting for the one before to be
 * sent: memory stays one page whatever the spaces hold. It stops at {@code maxBytes} and then says
 * {@code "complete": false}.
 */
public final class AccountExport {
  private static final int MAX_MEMBERSHIPS = 10_000;
  private static final int SPACES_PER_PAGE = 100;
  private static final int DOCUMENTS_PER_PAGE = 1000;
  /** What closing the open arrays and objects takes at most, kept free below the limit. */
  private static final int CLOSING_BYTES = 32;

  private final AccountStore store;
  private final DocumentStore documents;
  private final long maxBytes;

  public AccountExport(AccountStore store, DocumentStore documents, long maxBytes) {
    this.store = store;
    this.documents = documents;
    this.maxBytes = maxBytes;
  }

  /** Where the export goes: each write completes once the text is on its way (its backpressure). */
  @FunctionalInterface
  public interface Sink extends Function<String, Future<Void>> {}

  /** Reads the account first (so a failure there is still an error answer), then streams the rest into {@code sink}. */
  public Future<Streaming> start(String userId) {
    return store.exportAccount(userId, MAX_MEMBERSHIPS).map(account -> new Streaming(userId, account));
  }

  /** An export whose account part is read; {@link #writeTo} sends it all. */
  public final class Streaming {
    private final String userId;
    private final JsonObject account;
    private long written;
    private boolean complete = true;

    private Streaming(String userId, JsonObject account) {
      this.userId = userId;
      this.account = account;
    }

    public Future<Void> writeTo(Sink sink) {
      String head = account.copy().put("exportedAt", Instant.now().toString()).encode();
      // The account object, left open for ownedSpaces and complete.
      return write(sink, head.substring(0, head.length() - 1) + ",\"ownedSpaces\":[")
          .compose(v -> spaces(sink, "", true))
          .compose(v -> sink.apply("],\"complete\":" + complete + "}"));
    }

    private Future<Void> write(Sink sink, String text) {
      written += Utf8.length(text);
      return sink.apply(text);
    }

    private Future<Void> spaces(Sink sink, String after, boolean first) {
      return store.ownedSpaces(userId, after, SPACES_PER_PAGE).compose(page -> {
        Future<Void> done = Future.succeededFuture();
        boolean firstOfPage = first;
        for (AccountStore.OwnedSpace space : page) {
          boolean leading = firstOfPage;
          firstOfPage = false;
          done = done.compose(v -> complete ? space(sink, space, leading) : Future.succeededFuture());
        }
        return page.size() < SPACES_PER_PAGE || !complete ? done
            : done.compose(v -> spaces(sink, page.get(page.size() - 1).id(), false));
      });
    }

    private Future<Void> space(Sink sink, AccountStore.OwnedSpace space, boolean leading) {
      String head = new JsonObject().put("id", space.id()).put("name", space.name()).put("createdAt", space.createdAt()).encode();
      String open = (leading ? "" : ",") + head.substring(0, head.length() - 1) + ",\"documents\":[";
      if (written + Utf8.length(open) + CLOSING_BYTES > maxBytes) {
        complete = false;
        return Future.succeededFuture();
      }
      return write(sink, open)
          .compose(v -> pages(sink, space.id(), DocumentStore.PageStart.FIRST, true))
          .compose(v -> write(sink, "]}"));
    }

    private Future<Void> pages(Sink sink, String space, DocumentStore.PageStart start, boolean first) {
      return documents.page(space, null, start, DOCUMENTS_PER_PAGE, false).compose((Optional<DocumentStore.Page> found) -> {
        if (found.isEmpty() || found.get().documentsJson().isEmpty()) {
          return Future.succeededFuture();
        }
        DocumentStore.Page page = found.get();
        StringBuilder text = new StringBuilder();
        long room = maxBytes - written - CLOSING_BYTES;
        boolean leading = first;
        for (String doc : page.documentsJson()) {
          long size = Utf8.length(doc) + 1;
          if (size > room) {
            complete = false; // cut at a document boundary, and said so
            break;
          }
          room -= size;
          text.append(leading ? "" : ",").append(doc);
          leading = false;
        }
        Future<Void> sent = text.isEmpty() ? Future.succeededFuture() : write(sink, text.toString());
        boolean wroteAny = !text.isEmpty();
        return page.hasMore() && complete ? sent.compose(v -> pages(sink, space, page.last(), first && !wroteAny)) : sent;
      });
    }
  }
}
