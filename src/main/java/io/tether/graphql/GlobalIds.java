package io.tether.graphql;

import graphql.schema.DataFetcher;
import java.util.Map;

/**
 * The {@code id} of a {@code Document} and of a {@code Change} identifies the object across the whole
 * API, as GraphQL clients' caches assume (Apollo's {@code InMemoryCache} and urql's Graphcache key
 * objects by type and {@code id}): a document is {@code space/collection/documentId}, a change
 * {@code space@seq}. Space, collection and document ids cannot contain {@code /} or {@code @}, so
 * neither form is ambiguous. The document's own id is {@code documentId}.
 */
final class GlobalIds {
  private GlobalIds() {}

  static final DataFetcher<Object> DOCUMENT = env -> {
    Map<?, ?> source = env.getSource();
    return source.get("space") + "/" + source.get("collection") + "/" + source.get("id");
  };

  static final DataFetcher<Object> CHANGE = env -> {
    Map<?, ?> source = env.getSource();
    return source.get("space") + "@" + source.get("seq");
  };

  /** The document's own id, as mutations and REST take it. */
  static final DataFetcher<Object> DOCUMENT_ID = env -> ((Map<?, ?>) env.getSource()).get("id");
}
