package io.tether.auth;

import io.tether.core.Role;
import io.tether.core.TetherException;
import io.tether.store.SpaceStore;
import io.vertx.core.Future;
import java.util.function.Predicate;

/**
 * Authorization per space and role, checked on every call. A non-member gets the same 403 whether
 * the space exists or not, so knowing a space's name reveals nothing.
 */
public final class SpaceAccess {
  private final SpaceStore spaces;

  public SpaceAccess(SpaceStore spaces) {
    this.spaces = spaces;
  }

  public Future<Role> toRead(String space, String userId) {
    return require(space, userId, role -> true, "not a member of this space");
  }

  public Future<Role> toWrite(String space, String userId) {
    return require(space, userId, Role::canWrite, "readers cannot write");
  }

  public Future<Role> toManage(String space, String userId) {
    return require(space, userId, Role::canManageMembers, "only owners manage members");
  }

  private Future<Role> require(String space, String userId, Predicate<Role> allowed, String refusal) {
    return spaces.roleOf(space, userId).compose(role -> {
      if (role.isEmpty()) {
        return Future.failedFuture(TetherException.forbidden("not a member of this space"));
      }
      return allowed.test(role.get())
          ? Future.succeededFuture(role.get())
          : Future.failedFuture(TetherException.forbidden(refusal));
    });
  }
}
