package io.tether.client;

import java.util.concurrent.CompletableFuture;

/**
 * Where the client gets access tokens: {@link TetherAuth}, or an app's own sign-in. {@code refresh}
 * is true when the last token expired or is about to, so a cached one will not do.
 */
@FunctionalInterface
public interface TokenProvider {
  CompletableFuture<String> token(boolean refresh);
}
