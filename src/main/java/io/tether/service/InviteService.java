package io.tether.service;

import io.tether.auth.SpaceAccess;
import io.tether.core.Role;
import io.tether.core.SecretCodes;
import io.tether.core.TetherException;
import io.tether.store.InviteStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * Invitations to a space, by link (anyone with the code) or for one email address. A code is 256
 * random bits, shown once; the server keeps its SHA-256 only, so a leaked database holds no usable code.
 */
public final class InviteService {
  public static final int DEFAULT_HOURS = 168;
  public static final int MAX_HOURS = 720;
  public static final int MAX_USES = 1000;

  /** How an invitation for an email address reaches it. */
  @FunctionalInterface
  public interface Mailing {
    /**
     * Puts the invitation on its way; fails when it will not be sent (no email on this server, the
     * address's email budget spent, the outbox full).
     */
    Future<Void> send(String email, String sender, String space, String code, String spaceName, String inviter, String role,
                      int hours);
  }

  private final SpaceAccess access;
  private final InviteStore invites;
  private final Mailing mailing;

  public InviteService(SpaceAccess access, InviteStore invites, Mailing mailing) {
    this.access = access;
    this.invites = invites;
    this.mailing = mailing;
  }

  /**
   * Makes an invite from {@code {role, email?, expiresInHours?, maxUses?}} (owners only); the answer
   * holds the code and {@code urlTemplate} with {@code {code}} replaced, and nothing later shows the code again.
   */
  public Future<JsonObject> create(String space, String caller, JsonObject body, String urlTemplate) {
    Role role = Role.parse(body.getValue("role") instanceof String r ? r : null);
    String email = email(body.getValue("email"));
    int hours = bounded(body.getValue("expiresInHours"), DEFAULT_HOURS, MAX_HOURS, "expiresInHours");
    int uses = bounded(body.getValue("maxUses"), 1, MAX_USES, "maxUses");
    for (String key : body.fieldNames()) {
      if (!key.equals("role") && !key.equals("email") && !key.equals("expiresInHours") && !key.equals("maxUses")) {
        throw TetherException.badRequest("unknown invite field " + key + " (role, email, expiresInHours, maxUses)");
      }
    }
    String code = SecretCodes.random(32);
    return access.toManage(space, caller)
        .compose(owner -> invites.create("inv_" + SecretCodes.random(12), space, SecretCodes.hash(code), role, email, caller, hours, uses))
        .map(invite -> invite.put("code", code).put("url", urlTemplate.replace("{code}", code)))
        .compose(invite -> email == null ? Future.succeededFuture(invite.put("emailed", false))
            : mail(space, caller, email, code, role, hours).map(emailed -> invite.put("emailed", emailed)));
  }

  /**
   * Hands the invitation email on; true when it is on its way. The invite stands either way: the
   * owner has its link, and a server without email (or a failing one) only costs the email.
   */
  private Future<Boolean> mail(String space, String caller, String email, String code, Role role, int hours) {
    return invites.names(space, caller).compose(names -> {
      String inviter = names.inviter() != null ? names.inviter() : names.inviterEmail() != null ? names.inviterEmail() : "Someone";
      return mailing.send(email, caller, space, code, names.space() != null ? names.space() : space, inviter, role.wire(), hours);
    }).map(true).otherwise(false);
  }

  /** {@code {invites: […], next}}: the space's invites, oldest first, without their codes (owners only). */
  public Future<JsonObject> list(String space, String caller, String after, int limit) {
    Tokens.Keyset from = after == null
        ? new Tokens.Keyset(java.time.OffsetDateTime.parse("1970-01-01T00:00:00Z"), "") : Tokens.decodeKeyset(after);
    return access.toManage(space, caller).compose(owner -> invites.list(space, from.at(), from.id(), limit + 1)).map(found -> {
      io.vertx.core.json.JsonArray page = new io.vertx.core.json.JsonArray(found.getList().subList(0, Math.min(limit, found.size())));
      JsonObject last = found.size() > limit ? found.getJsonObject(limit - 1) : null;
      return new JsonObject().put("invites", page)
          .put("next", last == null ? null : Tokens.encode(java.time.OffsetDateTime.parse(last.getString("createdAt")), last.getString("id")));
    });
  }

  /** Revokes an invite (owners only); not found if the space has none of that id. */
  public Future<Void> revoke(String space, String caller, String id) {
    return access.toManage(space, caller).compose(owner -> invites.revoke(space, id))
        .compose(found -> found ? Future.succeededFuture() : Future.failedFuture(TetherException.notFound("no such invite")));
  }

  /** {@code {space, role, joined}}: makes the caller a member by the code (a member already keeps their role). */
  public Future<JsonObject> accept(String code, String caller) {
    if (!SecretCodes.wellFormed(code, 32)) {
      return Future.failedFuture(TetherException.notFound("no such invite"));
    }
    return invites.accept(SecretCodes.hash(code), caller)
        .compose(accepted -> (accepted.joined() ? access.changed(accepted.space(), caller) : Future.<Void>succeededFuture())
            .map(v -> new JsonObject().put("space", accepted.space()).put("role", accepted.role().wire())
                .put("joined", accepted.joined())));
  }

  private static String email(Object value) {
    if (value == null) {
      return null;
    }
    if (!(value instanceof String email) || email.length() > 254 || !email.matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+")) {
      throw TetherException.badRequest("email must be an email address");
    }
    return email.toLowerCase(java.util.Locale.ROOT);
  }

  private static int bounded(Object value, int fallback, int max, String name) {
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof Integer n) || n < 1 || n > max) {
      throw TetherException.badRequest(name + " must be an integer from 1 to " + max);
    }
    return n;
  }
}
