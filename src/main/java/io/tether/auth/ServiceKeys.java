package io.tether.auth;

import io.tether.bus.BusListener;
import io.tether.bus.ChangeBus;
import io.tether.core.ChangeFrame;
import io.tether.core.ErrorCode;
import io.tether.core.Ids;
import io.tether.core.ServiceGrant;
import io.tether.core.TetherException;
import io.tether.store.ServiceKeyStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Service keys: made and revoked by operators through the admin API. A key is {@code tsk_} and 256 random bits in base64url; only its
 * hash is stored, and a presented key is looked up by its hash, so no comparison ever runs over the
 * key itself. A verified key is kept on the node for {@link #CACHE_MILLIS}; a revocation is told to
 * every node on the membership channel and takes effect there at once (within the cache time should
 * the notice be lost). Thread-safe.
 */
public final class ServiceKeys implements BusListener {
  /** How long a node trusts a key it verified without asking PostgreSQL again. */
  public static final long CACHE_MILLIS = 10_000;
  public static final String PREFIX = "tsk_";
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private record Cached(ServiceGrant grant, long until) {}

  private final ServiceKeyStore store;
  private final ChangeBus bus;
  // hash (hex) → the grant and until when it is trusted; name → the hashes cached for it
  private final ConcurrentHashMap<String, Cached> verified = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Long> touched = new ConcurrentHashMap<>();
  // actor id → the grant last verified for it on this node: what SpaceAccess judges a call by
  private final ConcurrentHashMap<String, ServiceGrant> byActor = new ConcurrentHashMap<>();

  // SHA-256 (hex) → a key declared in configuration (auth.serviceKeys)
  private final java.util.Map<String, ServiceGrant> declared = new ConcurrentHashMap<>();

  public ServiceKeys(ServiceKeyStore store, ChangeBus bus) {
    this(store, bus, List.of());
  }

  public ServiceKeys(ServiceKeyStore store, ChangeBus bus, List<io.tether.config.TetherConfig.DeclaredServiceKey> configured) {
    this.store = store;
    this.bus = bus;
    for (io.tether.config.TetherConfig.DeclaredServiceKey key : configured) {
      JsonObject body = new JsonObject().put("name", key.name()).put("scopes", key.scopes().copy())
          .put("requestsPerSecond", key.requestsPerSecond());
      if (key.spaces() != null) {
        body.put("spaces", key.spaces().copy());
      }
      ServiceGrant grant = grant(body);
      declared.put(key.sha256().toLowerCase(java.util.Locale.ROOT), grant);
      byActor.put(grant.actor(), grant);
    }
  }

  /** Whether a bearer token is a service key (and not a user's JWT). */
  public static boolean isKey(String token) {
    return token != null && token.startsWith(PREFIX);
  }

  /** The key's grant, or 401 for a key nobody made (or one revoked). */
  public Future<ServiceGrant> verify(String key) {
    String hash = sha256Hex(key);
    ServiceGrant configured = declared.get(hash);
    if (configured != null) {
      byActor.put(configured.actor(), configured);
      return Future.succeededFuture(configured);
    }
    Cached cached = verified.get(hash);
    long now = System.currentTimeMillis();
    if (cached != null && cached.until > now) {
      return Future.succeededFuture(cached.grant);
    }
    return store.byHash(HexFormat.of().parseHex(hash)).compose(found -> {
      if (found.isEmpty()) {
        verified.remove(hash);
        return Future.failedFuture(new TetherException(ErrorCode.UNAUTHORIZED, "unknown or revoked service key"));
      }
      verified.put(hash, new Cached(found.get(), now + CACHE_MILLIS));
      byActor.put(found.get().actor(), found.get());
      touch(found.get().name(), now);
      return Future.succeededFuture(found.get());
    });
  }

  /** {@code lastUsedAt}, written at most once a minute per key and node: not a write per request. */
  private void touch(String name, long now) {
    Long last = touched.get(name);
    if (last == null || now - last > 60_000) {
      touched.put(name, now);
      store.touch(name);
    }
  }

  /**
   * Makes a key from {@code {name, scopes, spaces?, requestsPerSecond?}}; answers it with the key,
   * which is shown only here. 409 when the name is taken.
   */
  public Future<JsonObject> create(JsonObject body) {
    for (String field : body.fieldNames()) {
      if (!Set.of("name", "scopes", "spaces", "requestsPerSecond").contains(field)) {
        throw TetherException.badRequest("unknown field " + field + " (name, scopes, spaces, requestsPerSecond)");
      }
    }
    ServiceGrant grant = grant(body);
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    String key = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    return store.create(grant, HexFormat.of().parseHex(sha256Hex(key))).compose(created -> created.isEmpty()
        ? Future.failedFuture(new TetherException(ErrorCode.CONFLICT, "a service key named " + grant.name() + " exists"))
        : Future.succeededFuture(describe(grant).put("key", key).put("createdAt", created.get())));
  }

  public Future<JsonObject> list() {
    return store.list().map(keys -> {
      declared.values().forEach(g -> keys.add(describe(g).put("declared", true)));
      return new JsonObject().put("keys", keys);
    });
  }

  /** Revokes a key here at once and on every node through the bus; 404 when there is none. */
  public Future<Void> revoke(String name) {
    return store.delete(name).compose(deleted -> {
      if (!deleted) {
        return Future.failedFuture(TetherException.notFound("no service key named " + name));
      }
      forget(name);
      return bus.publishRevocation(ChangeBus.MEMBERSHIPS, ServiceGrant.PREFIX + name).otherwiseEmpty();
    });
  }

  private void forget(String name) {
    verified.values().removeIf(c -> c.grant.name().equals(name));
    byActor.remove(ServiceGrant.PREFIX + name);
  }

  /** The grant of a service actor verified on this node (null: none, or revoked since). */
  public ServiceGrant grantOf(String actor) {
    return byActor.get(actor);
  }

  @Override
  public void onRevoked(String id) {
    if (ServiceGrant.isActor(id)) {
      forget(id.substring(ServiceGrant.PREFIX.length()));
    }
  }

  @Override
  public void onChange(ChangeFrame frame) {
    // not a space feed
  }

  @Override
  public void onGapPossible() {
    // A lost revocation is bounded by CACHE_MILLIS: forget everything, PostgreSQL is asked again.
    verified.clear();
    byActor.clear();
  }

  private static JsonObject describe(ServiceGrant grant) {
    return new JsonObject().put("name", grant.name()).put("scopes", new JsonArray(List.copyOf(grant.scopes()).stream().sorted().toList()))
        .put("spaces", grant.spaces() == null ? null : new JsonArray(grant.spaces().stream().sorted().toList()))
        .put("requestsPerSecond", grant.requestsPerSecond());
  }

  private static ServiceGrant grant(JsonObject body) {
    if (!(body.getValue("name") instanceof String name) || !NAME.matcher(name).matches()) {
      throw TetherException.badRequest("name must match [a-z0-9][a-z0-9._-]{0,63}");
    }
    if (!(body.getValue("scopes") instanceof JsonArray scopes) || scopes.isEmpty()) {
      throw TetherException.badRequest("scopes must be a non-empty array of " + String.join(", ", ServiceGrant.SCOPES));
    }
    Set<String> checked = new HashSet<>();
    for (Object scope : scopes) {
      if (!(scope instanceof String s) || !ServiceGrant.SCOPES.contains(s)) {
        throw TetherException.badRequest("unknown scope " + scope + " (" + String.join(", ", ServiceGrant.SCOPES) + ")");
      }
      checked.add(s);
    }
    Set<String> spaces = null;
    Object listed = body.getValue("spaces");
    if (listed != null) {
      if (!(listed instanceof JsonArray array) || array.isEmpty() || array.size() > 1000) {
        throw TetherException.badRequest("spaces must be an array of 1 to 1000 space ids (leave it out for every space)");
      }
      spaces = new HashSet<>();
      for (Object space : array) {
        spaces.add(Ids.space(space instanceof String s ? s : null));
      }
    }
    Object rate = body.getValue("requestsPerSecond");
    if (rate != null && !(rate instanceof Integer r && r >= 1 && r <= 100_000)) {
      throw TetherException.badRequest("requestsPerSecond must be 1 to 100000");
    }
    return new ServiceGrant(name, checked, spaces, (Integer) rate);
  }

  static String sha256Hex(String key) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
