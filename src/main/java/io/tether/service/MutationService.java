package io.tether.service;

import io.tether.auth.SpaceAccess;
import io.tether.core.ErrorCode;
import io.tether.core.Mutation;
import io.tether.core.MutationParser;
import io.tether.core.MutationResults;
import io.tether.core.TetherException;
import io.tether.store.MutationStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import io.tether.core.Document;
import io.tether.core.Mutation;
import io.tether.store.DocumentStore;

/**
 * The offline mutation queue, shared by REST and the WebSocket {@code mutate} frame: authorize once,
 * then apply each mutation in order, each in its own transaction, so one bad mutation does not sink
 * the batch. Each committed write is published after its commit.
 */
public final class MutationService {
  private final SpaceAccess access;
  private final MutationStore store;
  private final DocumentService documents;
  private final ReadService readable;
  private final MutationParser parser;
  private final int maxBatch;

  public MutationService(SpaceAccess access, MutationStore store, DocumentService documents, ReadService readable,
                         MutationParser parser, int maxBatch) {
    this.access = access;
    this.store = store;
    this.documents = documents;
    this.readable = readable;
    this.parser = parser;
    this.maxBatch = maxBatch;
  }

  /** One result per mutation, in order; fails (403, 413, 400, 503) only for the batch as a whole. */
  public Future<List<JsonObject>> apply(String space, String userId, Object rawMutations) {
    if (!(rawMutations instanceof JsonArray batch)) {
      return Future.failedFuture(TetherException.badRequest("mutations must be an array"));
    }
    if (batch.size() > maxBatch) {
      return Future.failedFuture(new TetherException(ErrorCode.TOO_LARGE, "at most " + maxBatch + " mutations per batch"));
    }
    List<JsonObject> results = new ArrayList<>(batch.size());
    Conflicts conflicts = new Conflicts();
    Future<Void> chain = access.toWrite(space, userId).mapEmpty();
    for (int i = 0; i < batch.size(); i++) {
      Object raw = batch.getValue(i);
      // The role is checked again before every mutation after the first (a cache lookup, refreshed on
      // every membership change): a writer removed halfway through a batch of 500 writes nothing more.
      boolean recheck = i > 0;
      chain = chain.compose(v -> recheck ? stillWriter(space, userId) : Future.succeededFuture(true))
          .compose(writer -> writer
              ? applyOne(space, userId, raw, conflicts)
              : Future.succeededFuture(MutationResults.rejected(MutationParser.mutationIdOf(raw),
                  TetherException.forbidden("no longer a writer of this space"))))
          .map(result -> {
            results.add(result);
            return null;
          });
    }
    return chain.map(done -> results);
  }

  private Future<Boolean> stillWriter(String space, String userId) {
    return access.toWrite(space, userId).map(true)
        .recover(err -> err instanceof TetherException ? Future.succeededFuture(false) : Future.failedFuture(err));
  }

  /**
   * A conflict carries the server's document, but each version of a document is sent once per
   * answer: 500 stale deletes of one 256 KiB document answer 256 KiB, not 128 MB. A later conflict
   * on the same document at the same version leaves {@code current} out (the earlier one in this
   * answer has it). A replayed conflict (recorded without its document) gets the document as it is now.
   */
  private final class Conflicts {
    private final Map<String, Long> sentVersions = new HashMap<>();

    Future<JsonObject> answer(String space, String userId, Mutation mutation, JsonObject result) {
      if (!"conflict".equals(result.getString("status"))) {
        return Future.succeededFuture(result);
      }
      Future<JsonObject> current = result.getValue("current") instanceof JsonObject known
          ? Future.succeededFuture(known)
          : readable.readableNow(space, userId, mutation.collection(), mutation.id());
      return current.map(document -> {
        String key = mutation.collection() + "/" + mutation.id();
        Long version = document == null ? null : document.getLong("version");
        if (version != null && version.equals(sentVersions.get(key))) {
          result.remove("current");
        } else {
          result.put("current", document);
          sentVersions.put(key, version);
        }
        return result;
      });
    }
  }

  private Future<JsonObject> applyOne(String space, String userId, Object raw, Conflicts conflicts) {
    Mutation mutation;
    try {
      mutation = parser.parse(raw);
    } catch (TetherException invalid) {
      return Future.succeededFuture(MutationResults.rejected(MutationParser.mutationIdOf(raw), invalid));
    }
    return store.apply(space, userId, mutation).compose(outcome -> {
      if (outcome.written() != null) {
        documents.publish(outcome.written());
      }
      return conflicts.answer(space, userId, mutation, outcome.result().copy());
    });
  }
}
