package io.tether.graphql;

import graphql.GraphQLContext;
import graphql.schema.DataFetcher;
import graphql.schema.DataFetchingEnvironment;
import io.tether.config.TetherConfig;
import io.tether.core.JsonLimits;
import io.tether.limits.RequestLimits;
import io.tether.service.DocumentService;
import io.tether.service.MutationService;
import io.tether.service.ReadService;
import io.tether.core.Change;
import io.tether.core.Ids;
import io.tether.core.Precondition;
import io.tether.core.Principal;
import io.tether.core.TetherException;
import io.tether.core.WriteCommand;
import io.tether.service.PageToken;
import io.tether.store.DocumentStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Queries and mutations: argument checks and shapes only. The work is done by the services the REST
 * handlers call (reads, documents, the mutation queue), so both APIs answer alike.
 */
public final class Resolvers {
  static final String PRINCIPAL = "tether.principal";
  /**
   * Over HTTP, REST's handler has already charged the request one token under the per-user limit:
   * the operation's first root field uses it. Every other root field pays its own (a mutate pays one
   * per mutation), so one request cannot carry a thousand lookups for the price of one.
   */
  static final String PREPAID = "tether.prepaid";

  private final ReadService reads;
  private final DocumentService writes;
  private final MutationService mutationService;
  private final RequestLimits limits;
  private final JsonLimits json;
  private final TetherConfig.Limits config;
  private final io.tether.service.SpaceService spaces;
  private final io.tether.service.ProfileService profiles;

  public Resolvers(ReadService reads, DocumentService writes, MutationService mutations, RequestLimits limits,
                   JsonLimits json, TetherConfig.Limits config, io.tether.service.SpaceService spaces,
                   io.tether.service.ProfileService profiles) {
    this.spaces = spaces;
    this.profiles = profiles;
    this.reads = reads;
    this.writes = writes;
    this.mutationService = mutations;
    this.limits = limits;
    this.json = json;
    this.config = config;
  }

  DataFetcher<CompletionStage<Object>> space() {
    return env -> {
      String space = Ids.space(env.getArgument("id"));
      return run(admitted(env).compose(ok -> spaces.describe(space, user(env))).map(JsonObject::getMap));
    };
  }

  DataFetcher<CompletionStage<Object>> mySpaces() {
    return env -> {
      int limit = env.<Integer>getArgument("limit");
      if (limit < 1 || limit > 100) {
        throw TetherException.badRequest("limit must be 1 to 100");
      }
      return run(admitted(env).compose(ok -> spaces.mySpaces(user(env), env.getArgument("after"), limit)).map(Resolvers::plain));
    };
  }

  DataFetcher<CompletionStage<Object>> members() {
    return env -> {
      int limit = env.<Integer>getArgument("limit");
      if (limit < 1 || limit > config.maxPageSize()) {
        throw TetherException.badRequest("limit must be 1 to " + config.maxPageSize());
      }
      return run(admitted(env).compose(ok -> spaces.members(Ids.space(env.getArgument("space")), user(env),
          env.getArgument("after"), limit)).map(Resolvers::plain));
    };
  }

  /** A JSON answer as graphql-java reads it: maps and lists all the way down. */
  private static Object plain(Object json) {
    if (json instanceof JsonObject object) {
      java.util.Map<String, Object> map = new java.util.LinkedHashMap<>();
      object.forEach(e -> map.put(e.getKey(), plain(e.getValue())));
      return map;
    }
    if (json instanceof io.vertx.core.json.JsonArray array) {
      java.util.List<Object> list = new java.util.ArrayList<>(array.size());
      array.forEach(v -> list.add(plain(v)));
      return list;
    }
    return json;
  }

  DataFetcher<CompletionStage<Object>> me() {
    return env -> run(admitted(env).compose(ok -> profiles.me(user(env))).map(JsonObject::getMap));
  }

  DataFetcher<CompletionStage<Object>> document() {
    return env -> run(admitted(env).compose(ok -> reads.document(Ids.space(env.getArgument("space")), user(env),
            Ids.collection(env.getArgument("collection")), Ids.document(env.getArgument("id"))))
        .map(doc -> doc.toJson().put("space", env.<String>getArgument("space")).getMap())
        .recover(err -> err instanceof TetherException te && te.code() == io.tether.core.ErrorCode.NOT_FOUND
            ? Future.succeededFuture() : Future.failedFuture(err)));
  }

  DataFetcher<CompletionStage<Object>> documents() {
    return env -> {
      String collection = env.getArgument("collection");
      String after = env.getArgument("after");
      PageToken token = after == null || after.isEmpty() ? null : PageToken.decode(after);
      DocumentStore.PageStart start = token == null ? DocumentStore.PageStart.FIRST : token.start();
      String space = Ids.space(env.getArgument("space"));
      String checkedCollection = collection == null ? null : Ids.collection(collection);
      int limit = limit(env);
      boolean includeDeleted = Boolean.TRUE.equals(env.getArgument("includeDeleted"));
      io.tether.core.Query query = query(checkedCollection, env.getArgument("where"));
      return run(admitted(env).compose(ok -> query != null
              ? reads.filteredPage(space, user(env), query, start, limit)
              : reads.page(space, user(env), checkedCollection, start, limit, includeDeleted))
          .map(page -> {
            long cursor = token == null ? page.headSeq() : token.cursor();
            JsonArray documents = new JsonArray();
            page.documentsJson().forEach(json -> documents.add(new JsonObject(json).put("space", space).getMap()));
            return new JsonObject().put("documents", documents.getList()).put("cursor", cursor).put("epoch", page.epoch())
                .put("next", page.hasMore() ? new PageToken(cursor, page.last()).encode() : null).getMap();
          }));
    };
  }

  DataFetcher<CompletionStage<Object>> changes() {
    return env -> {
      long since = env.<Long>getArgument("since");
      if (since < 0) {
        throw TetherException.badRequest("since must be 0 or more");
      }
      String space = Ids.space(env.getArgument("space"));
      int limit = limit(env);
      String collection = env.getArgument("collection");
      io.tether.core.Query query = collection == null ? query(null, env.getArgument("where"))
          : query(Ids.collection(collection), env.getArgument("where") == null ? List.of() : env.getArgument("where"));
      io.tether.core.DocumentFilter filter = query == null ? null : io.tether.core.DocumentFilter.of(query);
      return run(admitted(env).compose(ok -> reads.changes(space, user(env), since, env.getArgument("epoch"), limit, filter))
          .map(page -> {
            JsonArray changes = new JsonArray();
            page.getJsonArray("changes").forEach(c -> changes.add(((JsonObject) c).getMap()));
            return page.put("changes", changes.getList()).getMap();
          }));
    };
  }

  /** A where argument (a JSON list from GraphQL) on {@code collection}; null without one. */
  static io.tether.core.Query query(String collection, Object where) {
    if (where == null) {
      return null;
    }
    if (collection == null) {
      throw TetherException.badRequest("where needs a collection");
    }
    return io.tether.core.Query.of(collection, where instanceof List<?> list ? new JsonArray(new java.util.ArrayList<>(list)) : where);
  }

  DataFetcher<CompletionStage<Object>> write(Change.Op op) {
    return env -> {
      Object data = op == Change.Op.PUT ? env.getArgument("data") : op == Change.Op.PATCH ? env.getArgument("patch") : null;
      Long expected = env.getArgument("expectedVersion");
      Precondition precondition = expected == null ? Precondition.NONE
          : expected == 0 ? Precondition.ABSENT : Precondition.version(expected);
      WriteCommand command = new WriteCommand(Ids.space(env.getArgument("space")), Ids.collection(env.getArgument("collection")),
          Ids.document(env.getArgument("id")), op, op == Change.Op.DELETE ? null : object(data), precondition, null, user(env));
      return run(admitted(env).compose(ok -> writes.write(command)).map(result -> op == Change.Op.DELETE
          ? new JsonObject().put("version", result.document().version()).put("seq", result.change().seq()).getMap()
          : new JsonObject().put("document", result.answer().put("space", command.space()).getMap())
              .put("seq", result.change().seq()).getMap()));
    };
  }

  DataFetcher<CompletionStage<Object>> mutate() {
    return env -> {
      List<Map<String, Object>> mutations = env.getArgument("mutations");
      // The same parser as REST and the mutate frame: drop absent optional fields so both see the same input.
      JsonArray batch = new JsonArray();
      mutations.forEach(m -> {
        JsonObject mutation = new JsonObject();
        m.forEach((key, value) -> {
          if (value != null) {
            mutation.put(key, value instanceof Map<?, ?> map ? checked(map) : value);
          }
        });
        batch.add(mutation);
      });
      String space = Ids.space(env.getArgument("space"));
      return run(admitted(env, batch.size()).compose(ok -> mutationService.apply(space, user(env), batch))
          .map(results -> results.stream().map(JsonObject::getMap).toList()));
    };
  }

  /** A root field's admission under the per-user rate limit, worth {@code cost} requests. */
  Future<Void> admitted(DataFetchingEnvironment env, int cost) {
    GraphQLContext context = env.getGraphQlContext();
    java.util.concurrent.atomic.AtomicBoolean prepaid = context.get(PREPAID);
    int due = cost - (prepaid != null && prepaid.getAndSet(false) ? 1 : 0);
    return due <= 0 ? Future.succeededFuture() : limits.user(user(env), due);
  }

  Future<Void> admitted(DataFetchingEnvironment env) {
    return admitted(env, 1);
  }

  private int limit(DataFetchingEnvironment env) {
    Integer limit = env.getArgument("limit");
    int max = config.maxPageSize();
    if (limit != null && (limit < 1 || limit > max)) {
      throw TetherException.badRequest("limit must be between 1 and " + max);
    }
    return limit == null ? config.defaultPageSize() : limit;
  }

  /** Document data must be an object, and passes the same checks as a REST body (depth, no U+0000). */
  private JsonObject object(Object data) {
    if (!(data instanceof Map<?, ?> map)) {
      throw TetherException.badRequest("data must be a JSON object");
    }
    return checked(map);
  }

  @SuppressWarnings("unchecked")
  private JsonObject checked(Map<?, ?> map) {
    return json.parseObject(new JsonObject((Map<String, Object>) map).encode());
  }

  static String user(DataFetchingEnvironment env) {
    Principal principal = env.getGraphQlContext().get(PRINCIPAL);
    if (principal == null) {
      throw new TetherException(io.tether.core.ErrorCode.UNAUTHORIZED, "a bearer token is required");
    }
    return principal.userId();
  }

  @SuppressWarnings("unchecked")
  private static <T> CompletionStage<Object> run(Future<T> future) {
    return (CompletionStage<Object>) future.toCompletionStage();
  }
}
