package io.tether.service;

import io.tether.auth.SpaceAccess;
import io.tether.bus.ChangeBus;
import io.tether.core.Role;
import io.tether.core.TetherException;
import io.tether.push.PushJobs;
import io.tether.store.SpaceStore;
import io.tether.store.UserStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * A space's life and membership, and what its owners set on it: each call checks the caller's role
 * first, so routes only parse and render. Membership changes reach every node's cache, and a removed
 * member's live subscriptions end on every node.
 */
public final class SpaceService {
  private final SpaceStore spaces;
  private final UserStore users;
  private final SpaceAccess access;
  private final ChangeBus bus;
  private final PushJobs push;

  public SpaceService(SpaceStore spaces, UserStore users, SpaceAccess access, ChangeBus bus, PushJobs push) {
    this.spaces = spaces;
    this.users = users;
    this.access = access;
    this.bus = bus;
    this.push = push;
  }

  /**
   * Creates the space with the caller as owner (and {@code name}, if given, as its display name), or
   * answers it if the caller is already a member; anyone else gets 403, whether it exists or not.
   */
  public Future<SpaceStore.Joined> createOrJoin(String space, String userId, String name) {
    return spaces.createOrJoin(space, userId, name)
        .compose(joined -> joined.created() ? access.changed(space, userId).map(joined) : Future.succeededFuture(joined));
  }

  /**
   * A service key makes {@code space} with {@code owner} (a user) as its first owner; it needs
   * {@code spaces:write} and {@code members:write}. A space that exists already is answered as it is
   * when the owner is a member of it, and refused otherwise.
   */
  public Future<SpaceStore.Joined> createFor(String space, String service, String owner, String name) {
    return access.toWrite(space, service)
        .compose(ok -> access.toManageMembers(space, service))
        .compose(ok -> owner.startsWith("ext-") ? Future.succeededFuture(true) : users.exists(owner))
        .compose(exists -> exists ? spaces.createOrJoin(space, owner, name)
            : Future.failedFuture(TetherException.notFound("no such user " + owner)))
        .compose(joined -> joined.created() ? access.changed(space, owner).map(joined) : Future.succeededFuture(joined));
  }

  /** A space the server names: an id nobody can guess or take first, the caller its owner. */
  public Future<SpaceStore.Joined> create(String userId, String name) {
    String id = SpaceIds.next();
    return spaces.createOrJoin(id, userId, name).compose(joined -> joined.created()
        ? access.changed(id, userId).map(joined)
        : Future.failedFuture(new IllegalStateException("a random space id was taken")));
  }

  /** {@code {id, name, seq, epoch, role, createdAt}}; members only. */
  public Future<JsonObject> describe(String space, String caller) {
    return access.toRead(space, caller).compose(role -> spaces.describe(space).map(found -> {
      SpaceStore.Described d = found.orElseThrow(() -> TetherException.forbidden("not a member of this space"));
      return new JsonObject().put("id", d.id()).put("name", d.name()).put("seq", d.seq()).put("epoch", d.epoch())
          .put("role", role.wire()).put("createdAt", d.createdAt().toInstant().toString());
    }));
  }

  /** Owners set the display name (null clears it). */
  public Future<Void> rename(String space, String caller, String name) {
    return access.toManage(space, caller, "only owners rename a space").compose(owner -> spaces.rename(space, name));
  }

  /**
   * Owners delete the space and everything it holds; then every node ends its subscriptions (with a
   * {@code space_deleted} frame) and forgets its cached roles and rules. A node that misses the notice
   * ends them at its next membership recheck. 404 if it is gone already (a repeated delete).
   */
  public Future<Void> delete(String space, String caller) {
    return access.toManage(space, caller, "only owners delete a space")
        .compose(owner -> spaces.delete(space))
        .compose(deleted -> deleted ? access.deleted(space) : Future.failedFuture(TetherException.notFound("no such space")));
  }

  /** Owners add members or change roles; users of external issuers ({@code ext-…}) need no account here. */
  public Future<Void> setMember(String space, String caller, String userId, Role role) {
    return access.toManageMembers(space, caller)
        .compose(ok -> userId.startsWith("ext-") ? Future.succeededFuture(true) : users.exists(userId))
        .compose(exists -> exists
            ? spaces.setMember(space, userId, role)
            : Future.failedFuture(TetherException.notFound("no such user")))
        .compose(done -> access.changed(space, userId));
  }

  /**
   * {@code {spaces: [{id, role, seq, epoch, changedAt}], next}}: the caller's spaces, most recently
   * changed first, {@code limit} a page; {@code after} the previous page's {@code next}. A space that
   * changes while a client pages moves to the front, so a later page may miss it or show it again.
   */
  public Future<JsonObject> mySpaces(String userId, String after, int limit) {
    Tokens.Keyset from = after == null ? null : Tokens.decodeKeyset(after);
    return spaces.spacesOf(userId, from == null ? null : from.at(), from == null ? null : from.id(), limit + 1).map(found -> {
      io.vertx.core.json.JsonArray out = new io.vertx.core.json.JsonArray();
      found.stream().limit(limit).forEach(s -> out.add(new JsonObject().put("id", s.id()).put("name", s.name())
          .put("role", s.role().wire())
          .put("seq", s.seq()).put("epoch", s.epoch()).put("changedAt", s.changedAt().toInstant().toString())));
      SpaceStore.MySpace last = found.size() > limit ? found.get(limit - 1) : null;
      return new JsonObject().put("spaces", out)
          .put("next", last == null ? null : Tokens.encode(last.changedAt(), last.id()));
    });
  }

  /** {@code {members: [{userId, role, displayName, avatarUrl, addedAt}], next}}, by user id; members only. */
  public Future<JsonObject> members(String space, String caller, String after, int limit) {
    String afterId = after == null ? "" : Tokens.decode(after, 1)[0];
    return access.toRead(space, caller).compose(member -> spaces.members(space, afterId, limit + 1)).map(found -> {
      io.vertx.core.json.JsonArray out = new io.vertx.core.json.JsonArray();
      found.stream().limit(limit).forEach(m -> out.add(new JsonObject().put("userId", m.userId()).put("role", m.role().wire())
          .put("displayName", m.displayName()).put("avatarUrl", m.avatarUrl())
          .put("addedAt", m.addedAt().toInstant().toString())));
      return new JsonObject().put("members", out)
          .put("next", found.size() > limit ? Tokens.encode(found.get(limit - 1).userId()) : null);
    });
  }

  /** Members may leave on their own; removing someone else takes an owner. */
  public Future<Void> removeMember(String space, String caller, String userId) {
    Future<Role> allowed = caller.equals(userId) ? access.toRead(space, caller) : access.toManageMembers(space, caller);
    return allowed.compose(ok -> spaces.removeMember(space, userId))
        .compose(done -> access.changed(space, userId))
        // Every node ends the removed member's live subscriptions; a lost message is caught by the
        // membership check each new subscription makes.
        .compose(done -> bus.publishRevocation(space, userId).otherwiseEmpty());
  }

  /** Owners choose whether pushes carry the change's data. */
  public Future<Void> setPushIncludesData(String space, String caller, boolean includesData) {
    return access.toManage(space, caller).compose(owner -> spaces.setPushIncludesData(space, includesData));
  }

  /** Writers may notify the other members (queued; sent by the job workers). */
  public Future<Void> notifyMembers(String space, String sender, String title, String body, JsonObject extra) {
    return access.toNotify(space, sender).compose(writer -> push.notifyMembers(space, sender, title, body, extra));
  }
}
