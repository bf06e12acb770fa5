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
import java.util.List;

/**
 * The offline mutation queue, shared by REST and the WebSocket {@code mutate} frame: authorize once,
 * then apply each mutation in order, each in its own transaction, so one bad mutation does not sink
 * the batch. Each committed write is published after its commit.
 */
public final class MutationService {
  private final SpaceAccess access;
  private final MutationStore store;
  private final DocumentService documents;
  private final MutationParser parser;
  private final int maxBatch;

  public MutationService(SpaceAccess access, MutationStore store, DocumentService documents, MutationParser parser,
                         int maxBatch) {
    this.access = access;
    this.store = store;
    this.documents = documents;
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
    Future<Void> chain = access.toWrite(space, userId).mapEmpty();
    for (Object raw : batch) {
      chain = chain.compose(v -> applyOne(space, userId, raw)).map(result -> {
        results.add(result);
        return null;
      });
    }
    return chain.map(done -> results);
  }

  private Future<JsonObject> applyOne(String space, String userId, Object raw) {
    Mutation mutation;
    try {
      mutation = parser.parse(raw);
    } catch (TetherException invalid) {
      return Future.succeededFuture(MutationResults.rejected(MutationParser.mutationIdOf(raw), invalid));
    }
    return store.apply(space, userId, mutation).map(outcome -> {
      if (outcome.written() != null) {
        documents.publish(outcome.written());
      }
      return outcome.result();
    });
  }
}
