package io.tether.auth;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One provider's JSON Web Key Set: fetched on first use, cached, and fetched again once when a token
 * names an unknown {@code kid} (a key rotation), at most every {@code refetchMillis}. Each key is
 * pinned to the algorithm of its type, never HMAC or none. Thread-safe: shared by every event loop.
 */
final class Jwks {
  private static final Logger LOG = LoggerFactory.getLogger(Jwks.class);
  /** A JWKS larger than this is refused: Google's and Apple's are a few KiB. */
  private static final int MAX_BYTES = 256 * 1024;

  /** One fetched key set, immutable. */
  private record Keys(JWTAuth auth, Set<String> kids, long fetchedAt) {}

  private final Vertx vertx;
  private final HttpClient http;
  private final String uri;
  private final String owner;
  private final JWTOptions checks;
  private final long refetchMillis;
  private volatile Keys keys;
  private final AtomicReference<Future<Keys>> fetching = new AtomicReference<>();

  /** {@code checks}: what Vert.x verifies beside the signature (issuer, audience, leeway). */
  Jwks(Vertx vertx, HttpClient http, String uri, String owner, JWTOptions checks, long refetchMillis) {
    this.vertx = vertx;
    this.http = http;
    this.uri = uri;
    this.owner = owner;
    this.checks = checks;
    this.refetchMillis = refetchMillis;
  }

  /** The token's signature checked by its {@code kid}'s key, then Vert.x's checks; its claims on success. */
  Future<JsonObject> verify(String token, String kid) {
    if (kid == null) {
      return Future.failedFuture("the token does not name its key (kid)");
    }
    Keys current = keys;
    boolean known = current != null && current.kids().contains(kid);
    boolean mayFetch = current == null || System.currentTimeMillis() - current.fetchedAt() >= refetchMillis;
    Future<Keys> ready = known || !mayFetch ? Future.succeededFuture(current) : fetch();
    return ready.compose(k -> authenticate(k, token, kid))
        // A known kid that does not verify may be a key the provider rotated under the same kid, or
        // revoked: ask again (at most every refetchMillis), and judge by what the provider says now.
        .recover(err -> known && mayFetch ? fetch().compose(k -> authenticate(k, token, kid)) : Future.failedFuture(err))
        .map(user -> user.attributes().getJsonObject("accessToken", new JsonObject()));
  }

  private static Future<User> authenticate(Keys k, String token, String kid) {
    if (k == null || !k.kids().contains(kid)) {
      return Future.failedFuture("unknown key id");
    }
    try {
      return k.auth().authenticate(new TokenCredentials(token));
    } catch (RuntimeException malformed) {
      return Future.failedFuture(malformed);
    }
  }

  /** One fetch at a time: concurrent callers share it. */
  private Future<Keys> fetch() {
    Promise<Keys> mine = Promise.promise();
    if (!fetching.compareAndSet(null, mine.future())) {
      Future<Keys> theirs = fetching.get();
      return theirs != null ? theirs : Future.succeededFuture(keys);
    }
    http.request(new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(uri).setTimeout(5000))
        .compose(request -> request.send())
        .compose(response -> {
          if (response.statusCode() != 200) {
            return Future.failedFuture("JWKS answered " + response.statusCode());
          }
          String length = response.getHeader("Content-Length");
          if (length != null && length.length() < 12 && Long.parseLong(length) > MAX_BYTES) {
            return Future.failedFuture("JWKS larger than " + MAX_BYTES + " bytes");
          }
          return response.body();
        })
        .compose(body -> body.length() > MAX_BYTES ? Future.failedFuture("JWKS larger than " + MAX_BYTES + " bytes")
            : Future.succeededFuture(keysOf(body.toJsonObject())))
        .onSuccess(k -> keys = k)
        .onFailure(err -> LOG.warn("Fetching the JWKS of {} failed: {}", owner, err.getMessage()))
        .onComplete(ar -> {
          fetching.set(null);
          mine.handle(ar);
        });
    return mine.future();
  }

  private Keys keysOf(JsonObject jwks) {
    List<JsonObject> usable = new ArrayList<>();
    Set<String> kids = new HashSet<>();
    for (Object item : jwks.getJsonArray("keys", new JsonArray())) {
      if (!(item instanceof JsonObject key) || key.getString("kid") == null) {
        continue;
      }
      String alg = pinnedAlgorithm(key);
      if (alg != null && !"enc".equals(key.getString("use"))) {
        usable.add(key.copy().put("alg", alg));
        kids.add(key.getString("kid"));
      }
    }
    JWTAuth auth = JWTAuth.create(vertx, new JWTAuthOptions().setJwks(usable).setJWTOptions(checks));
    return new Keys(auth, Set.copyOf(kids), System.currentTimeMillis());
  }

  /** The one algorithm a key may verify: declared by the key, or implied by its type; never HMAC or none. */
  private static String pinnedAlgorithm(JsonObject key) {
    String declared = key.getString("alg");
    String implied = switch (String.valueOf(key.getString("kty"))) {
      case "RSA" -> "RS256";
      case "EC" -> switch (String.valueOf(key.getString("crv"))) {
        case "P-256" -> "ES256";
        case "P-384" -> "ES384";
        default -> null;
      };
      default -> null;
    };
    if (implied == null) {
      return null;
    }
    if (declared == null) {
      return implied;
    }
    boolean matches = implied.startsWith("RS") ? declared.matches("RS(256|384|512)|PS(256|384|512)") : declared.equals(implied);
    return matches ? declared : null;
  }
}
