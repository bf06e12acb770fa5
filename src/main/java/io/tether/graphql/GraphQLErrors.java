package io.tether.graphql;

import graphql.GraphQLError;
import graphql.GraphqlErrorBuilder;
import graphql.analysis.MaxQueryComplexityInstrumentation;
import graphql.execution.AbortExecutionException;
import graphql.execution.DataFetcherExceptionHandler;
import graphql.execution.DataFetcherExceptionHandlerParameters;
import graphql.execution.DataFetcherExceptionHandlerResult;
import graphql.execution.instrumentation.ChainedInstrumentation;
import graphql.execution.instrumentation.Instrumentation;
import io.tether.core.ErrorCode;
import io.tether.core.TetherException;
import io.tether.core.Failures;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * GraphQL errors carry REST's machine codes in {@code extensions.code} (plus REST's details, such as
 * {@code current} or {@code minSeq}), and the depth and cost limits refuse a query before it runs.
 */
final class GraphQLErrors implements DataFetcherExceptionHandler {

  @Override
  public CompletableFuture<DataFetcherExceptionHandlerResult> handleException(DataFetcherExceptionHandlerParameters params) {
    TetherException error = toTether(params.getException());
    GraphQLError graphQLError = GraphqlErrorBuilder.newError()
        .message(error.getMessage())
        .path(params.getPath())
        .location(params.getSourceLocation())
        .extensions(extensions(error))
        .build();
    return CompletableFuture.completedFuture(DataFetcherExceptionHandlerResult.newResult(graphQLError).build());
  }

  /**
   * A request refused before GraphQL ran (no token, rate limited, body too large) answers in GraphQL's
   * shape, {@code {"errors":[{message, extensions:{code}}]}}, with the status REST would give.
   */
  static void renderHttp(io.vertx.ext.web.RoutingContext rc) {
    TetherException error = Failures.classify(rc.failure(), rc.statusCode());
    if (error.code() == ErrorCode.UNAUTHORIZED) {
      rc.response().putHeader("WWW-Authenticate", "Bearer");
    }
    if (error.code() == ErrorCode.RATE_LIMITED && error.details() != null) {
      // As on REST: clients and proxies back off by the header, not by the body.
      rc.response().putHeader("Retry-After", String.valueOf(error.details().getLong("retryAfter", 1L)));
    }
    io.vertx.core.json.JsonObject body = new io.vertx.core.json.JsonObject().put("errors", new io.vertx.core.json.JsonArray()
        .add(new io.vertx.core.json.JsonObject().put("message", error.getMessage()).put("extensions", extensions(error))));
    rc.response().setStatusCode(error.code().status()).putHeader("Content-Type", "application/json").end(body.toBuffer());
  }

  static TetherException toTether(Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    return Failures.classify(cause, 500);
  }

  static Map<String, Object> extensions(TetherException error) {
    Map<String, Object> extensions = new LinkedHashMap<>();
    extensions.put("code", error.code().code());
    if (error.details() != null) {
      extensions.putAll(error.details().getMap());
    }
    return extensions;
  }

  /** Depth first (cheap), then cost: each field costs 1, and a page costs its children times its limit. */
  static Instrumentation limits(int maxDepth, int maxComplexity, int defaultPageSize, boolean introspection) {
    Instrumentation depth = new DepthLimit(maxDepth, introspection);
    Instrumentation cost = new MaxQueryComplexityInstrumentation(maxComplexity, (env, children) -> {
      Object limit = env.getArguments().get("limit");
      boolean page = env.getParentType().getName().equals("Query")
          && (env.getField().getName().equals("documents") || env.getField().getName().equals("changes"));
      int rows = !page ? 1 : limit instanceof Number n ? Math.max(1, n.intValue()) : defaultPageSize;
      return 1 + children * rows;
    }) {
      @Override
      protected AbortExecutionException mkAbortException(int complexity, int max) {
        return refused("the query costs " + complexity + "; at most " + max + " is allowed (each field 1, pages times their limit)");
      }
    };
    return new ChainedInstrumentation(List.of(depth, cost));
  }

  /**
   * Refuses a query nested deeper than {@code maxDepth} fields, counting only the API's own fields:
   * with introspection on, what stands under {@code __schema} and {@code __type} is the schema
   * describing itself (finite, answered from memory), and the standard introspection query that
   * GraphiQL, graphql-inspector and codegen send nests 15 deep there.
   */
  private static final class DepthLimit extends graphql.execution.instrumentation.SimplePerformantInstrumentation {
    private final int maxDepth;
    private final boolean introspection;

    DepthLimit(int maxDepth, boolean introspection) {
      this.maxDepth = maxDepth;
      this.introspection = introspection;
    }

    @Override
    public graphql.execution.instrumentation.InstrumentationContext<graphql.ExecutionResult> beginExecuteOperation(
        graphql.execution.instrumentation.parameters.InstrumentationExecuteOperationParameters parameters,
        graphql.execution.instrumentation.InstrumentationState state) {
      graphql.execution.ExecutionContext context = parameters.getExecutionContext();
      int depth = graphql.analysis.QueryTraverser.newQueryTraverser()
          .schema(context.getGraphQLSchema())
          .document(context.getDocument())
          .operationName(context.getExecutionInput().getOperationName())
          .coercedVariables(context.getCoercedVariables())
          .build()
          .reducePreOrder((env, deepest) -> Math.max(deepest, depthOf(env)), 0);
      if (depth > maxDepth) {
        throw refused("the query is " + depth + " levels deep; at most " + maxDepth + " are allowed");
      }
      return super.beginExecuteOperation(parameters, state);
    }

    /** The field's depth, or 0 for a field of introspection when it is on. */
    private int depthOf(graphql.analysis.QueryVisitorFieldEnvironment env) {
      int depth = 0;
      for (graphql.analysis.QueryVisitorFieldEnvironment at = env; at != null; at = at.getParentEnvironment()) {
        String name = at.getField().getName();
        if (introspection && (name.equals("__schema") || name.equals("__type"))) {
          return 0;
        }
        depth++;
      }
      return depth;
    }
  }

  private static AbortExecutionException refused(String message) {
    return new AbortExecutionException(List.of(GraphqlErrorBuilder.newError().message(message)
        .extensions(Map.of("code", ErrorCode.TOO_LARGE.code())).build()));
  }
}
