package io.tether.core;

import java.util.List;
import java.util.Set;

/**
 * What a service key lets an app's backend do: its scopes, and the spaces it is for (null: every
 * space). Such a caller acts as {@code service:<name>}, an id no user can have (built-in users are
 * UUIDs, external issuers' users {@code ext-…}). Immutable.
 */
public record ServiceGrant(String name, Set<String> scopes, Set<String> spaces, Integer requestsPerSecond) {
  public static final String PREFIX = "service:";
  public static final String SPACES_READ = "spaces:read";
  public static final String SPACES_WRITE = "spaces:write";
  public static final String MEMBERS_WRITE = "members:write";
  public static final String NOTIFY = "notify";
  public static final String ADMIN_READ = "admin:read";
  /** Every scope a key may hold. */
  public static final List<String> SCOPES = List.of(SPACES_READ, SPACES_WRITE, MEMBERS_WRITE, NOTIFY, ADMIN_READ);

  public ServiceGrant {
    scopes = Set.copyOf(scopes);
    spaces = spaces == null ? null : Set.copyOf(spaces);
  }

  /** The id its changes carry as their actor. */
  public String actor() {
    return PREFIX + name;
  }

  /** Whether {@code id} is a service key's actor id. */
  public static boolean isActor(String id) {
    return id != null && id.startsWith(PREFIX);
  }

  public boolean covers(String space) {
    return spaces == null || spaces.contains(space);
  }

  /** Goes on when the key holds {@code scope} and covers {@code space}; else a 403 that names which. */
  public void require(String space, String scope) {
    if (!scopes.contains(scope)) {
      throw new TetherException(ErrorCode.INSUFFICIENT_SCOPE, "this service key lacks the scope " + scope,
          new io.vertx.core.json.JsonObject().put("scope", scope));
    }
    if (space != null && !covers(space)) {
      throw TetherException.forbidden("this service key is not for space " + space);
    }
  }
}
