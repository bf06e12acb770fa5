package io.tether.service;

import io.tether.auth.AccountService;
import io.tether.auth.DeletedUsers;
import io.tether.auth.SpaceAccess;
import io.tether.bus.ChangeBus;
import io.tether.core.Fields;
import io.tether.core.Principal;
import io.tether.core.TetherException;
import io.tether.jobs.JobHandler;
import io.tether.jobs.JobQueue;
import io.tether.store.AccountStore;
import io.tether.store.UserStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code DELETE /v1/me}: the account and what belongs only to it go in one transaction, after the
 * caller proves they are its owner now. Every node then drops the user's roles, ends their
 * subscriptions and refuses their tokens. Anonymising their {@code actor} ids in change logs, when
 * asked for, runs after, as background jobs that walk every space in batches.
 */
public final class AccountDeletion {
  public static final String ANONYMIZE_JOB = "anonymize-actor";
  /** What a deleted user's id becomes in change logs when anonymised. */
  public static final String ANONYMOUS = "deleted-user";
  private static final int SPACES_PER_JOB = 200;
  private static final Set<String> FIELDS = Set.of("password", "soleOwnedSpaces", "anonymize");

  private final AccountStore store;
  private final UserStore users;
  private final AccountService accounts;
  private final SpaceAccess access;
  private final ChangeBus bus;
  private final JobQueue jobs;
  private final DeletedUsers deletedUsers;
  private final int freshSeconds;

  public AccountDeletion(AccountStore store, UserStore users, AccountService accounts, SpaceAccess access, ChangeBus bus,
                         JobQueue jobs, DeletedUsers deletedUsers, int freshSeconds) {
    this.store = store;
    this.users = users;
    this.accounts = accounts;
    this.access = access;
    this.bus = bus;
    this.jobs = jobs;
    this.deletedUsers = deletedUsers;
    this.freshSeconds = freshSeconds;
  }

  /**
   * Deletes the caller's account from {@code {password?, soleOwnedSpaces?: "transfer"|"delete",
   * anonymize?: boolean}} and answers {@code {deleted, spacesDeleted, spacesTransferred, anonymizing}}.
   * A built-in account that is gone already answers the same (with empty lists), without re-authentication.
   */
  public Future<JsonObject> delete(Principal me, JsonObject body) {
    for (String key : body.fieldNames()) {
      if (!FIELDS.contains(key)) {
        throw TetherException.badRequest("unknown field " + key + " (password, soleOwnedSpaces, anonymize)");
      }
    }
    String password = Fields.text(body, "password");
    Object rule = body.getValue("soleOwnedSpaces", "transfer");
    if (!"transfer".equals(rule) && !"delete".equals(rule)) {
      throw TetherException.badRequest("soleOwnedSpaces must be \"transfer\" or \"delete\"");
    }
    Object anonymize = body.getValue("anonymize", false);
    if (!(anonymize instanceof Boolean anonymizing)) {
      throw TetherException.badRequest("anonymize must be true or false");
    }
    AccountStore.SoleOwnedSpaces soleOwned = "delete".equals(rule)
        ? AccountStore.SoleOwnedSpaces.DELETE : AccountStore.SoleOwnedSpaces.TRANSFER;
    Future<Boolean> gone = me.sessionId() == null ? Future.succeededFuture(false) : users.exists(me.userId()).map(e -> !e);
    return gone.compose(already -> already
        ? Future.succeededFuture(answer(new AccountStore.Deleted(false, List.of(), List.of(), List.of()), false))
        : accounts.reauthenticate(me, password, freshSeconds)
            .compose(ok -> store.delete(me.userId(), soleOwned))
            .compose(deleted -> announce(me.userId(), deleted)
                .compose(v -> anonymizing ? jobs.enqueue(ANONYMIZE_JOB, progress(me.userId(), "")) : Future.succeededFuture())
                .map(v -> answer(deleted, anonymizing))));
  }

  /** Every node forgets the user's roles, ends their subscriptions, and refuses their tokens from now on. */
  private Future<Void> announce(String userId, AccountStore.Deleted deleted) {
    deletedUsers.add(userId);
    List<Future<Void>> notices = new ArrayList<>();
    for (String space : deleted.spacesLeft()) {
      notices.add(access.changed(space, userId));
      notices.add(bus.publishRevocation(space, userId).otherwiseEmpty());
    }
    deleted.spacesDeleted().forEach(space -> notices.add(access.deleted(space)));
    deleted.transferred().forEach(t -> notices.add(access.changed(t.space(), t.newOwner())));
    notices.add(bus.publishRevocation(ChangeBus.MEMBERSHIPS, userId).otherwiseEmpty());
    return Future.join(notices).otherwiseEmpty().mapEmpty();
  }

  private static JsonObject answer(AccountStore.Deleted deleted, boolean anonymizing) {
    JsonArray transferred = new JsonArray();
    deleted.transferred().forEach(t -> transferred.add(new JsonObject().put("space", t.space()).put("newOwner", t.newOwner())));
    return new JsonObject().put("deleted", true).put("spacesDeleted", new JsonArray(deleted.spacesDeleted()))
        .put("spacesTransferred", transferred).put("anonymizing", anonymizing);
  }

  private static JsonObject progress(String actor, String after) {
    return new JsonObject().put("actor", actor).put("after", after);
  }

  /** One batch of spaces per job; the next batch is queued in its place until every space is done. */
  public JobHandler anonymizer() {
    return job -> {
      String actor = job.payload().getString("actor");
      return store.anonymizeActor(actor, ANONYMOUS, job.payload().getString("after", ""), SPACES_PER_JOB)
          .compose(last -> last == null ? Future.<Void>succeededFuture() : jobs.enqueue(ANONYMIZE_JOB, progress(actor, last)));
    };
  }
}
