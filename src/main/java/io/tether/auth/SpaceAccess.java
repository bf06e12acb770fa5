package io.tether.auth;

import io.tether.bus.ChangeBus;
import io.tether.core.Role;
import io.tether.core.ServiceGrant;
import io.tether.core.TetherException;
import io.tether.store.SpaceStore;
import io.vertx.core.Future;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Authorization per space and role, checked on every call. A non-member gets the same 403 whether
 * the space exists or not, so knowing a space's name reveals nothing.
 */
public final class SpaceAccess {
  private final SpaceStore spaces;
  private final MembershipCache cache;
  private final ChangeBus bus;
  private final java.util.function.Function<String, ServiceGrant> services;

  /** {@code services}: the grant of a service key's actor ({@code service:<name>}) verified on this node. */
  public SpaceAccess(SpaceStore spaces, MembershipCache cache, ChangeBus bus,
                     java.util.function.Function<String, ServiceGrant> services) {
    this.spaces = spaces;
    this.cache = cache;
    this.bus = bus;
    this.services = services;
  }

  /** A role changed (or a space was created): forget it here at once, and on every other node. */
  public Future<Void> changed(String space, String userId) {
    cache.invalidate(space, userId);
    return bus.publishMembershipChange(space, userId).otherwiseEmpty();
  }

  /** A space was deleted: forget every role in it here at once, and on every other node. */
  public Future<Void> deleted(String space) {
    cache.forgetSpace(space);
    return bus.publishSpaceDeleted(space).otherwiseEmpty();
  }

  /**
   * The same check from PostgreSQL, past the cache: for live subscriptions that recheck now and then,
   * in case a revocation never reached this node (a publish that failed, a bus that was away).
   */
  public Future<Role> toReadNow(String space, String userId) {
    cache.invalidate(space, userId);
    return toRead(space, userId);
  }

  public Future<Role> toRead(String space, String userId) {
    return ServiceGrant.isActor(userId) ? service(space, userId, ServiceGrant.SPACES_READ)
        : require(space, userId, role -> true, "not a member of this space");
  }

  public Future<Role> toWrite(String space, String userId) {
    return ServiceGrant.isActor(userId) ? service(space, userId, ServiceGrant.SPACES_WRITE)
        : require(space, userId, Role::canWrite, "readers cannot write");
  }

  /** Sending a push notification to the space's members: writers, or a key with {@code notify}. */
  public Future<Role> toNotify(String space, String userId) {
    return ServiceGrant.isActor(userId) ? service(space, userId, ServiceGrant.NOTIFY) : toWrite(space, userId);
  }

  /** Adding a member or changing one's role: owners, or a key with {@code members:write}. */
  public Future<Role> toManageMembers(String space, String userId) {
    return ServiceGrant.isActor(userId) ? service(space, userId, ServiceGrant.MEMBERS_WRITE)
        : require(space, userId, Role::canManageMembers, "only owners manage members");
  }

  public Future<Role> toManage(String space, String userId) {
    return toManage(space, userId, "only owners manage members");
  }

  /** The same, refused with {@code refusal} (what only owners may do, and no service key). */
  public Future<Role> toManage(String space, String userId, String refusal) {
    if (ServiceGrant.isActor(userId)) {
      return Future.failedFuture(TetherException.forbidden(refusal + ": a service key does not do this"));
    }
    return require(space, userId, Role::canManageMembers, refusal);
  }

  /**
   * A service key's call: allowed by its scope and its spaces, not by a membership. It reads and
   * writes as an owner would, so rules that let owners through let it through.
   */
  private Future<Role> service(String space, String actor, String scope) {
    ServiceGrant grant = services.apply(actor);
    if (grant == null) {
      return Future.failedFuture(new TetherException(io.tether.core.ErrorCode.UNAUTHORIZED, "unknown or revoked service key"));
    }
    try {
      grant.require(space, scope);
    } catch (TetherException refused) {
      return Future.failedFuture(refused);
    }
    return Future.succeededFuture(Role.OWNER);
  }

  private Future<Role> require(String space, String userId, Predicate<Role> allowed, String refusal) {
    long readAt = cache.generation();
    Optional<Role> cached = cache.get(space, userId);
    Future<Optional<Role>> lookup = cached != null
        ? Future.succeededFuture(cached)
        : spaces.roleOf(space, userId).onSuccess(found -> cache.put(space, userId, found, readAt));
    return lookup.compose(role -> {
      if (role.isEmpty()) {
        return Future.failedFuture(TetherException.forbidden("not a member of this space"));
      }
      return allowed.test(role.get())
          ? Future.succeededFuture(role.get())
          : Future.failedFuture(TetherException.forbidden(refusal));
    });
  }
}
