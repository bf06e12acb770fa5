package io.tether.service;

import io.tether.core.Profile;
import io.tether.store.ProfileStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** The caller's own account as {@code /v1/me} shows it, and their profile. */
public final class ProfileService {
  private final ProfileStore profiles;
  private final java.util.function.Consumer<String> nameChanged;

  /** {@code nameChanged}: told of each user whose profile was written, so caches of names forget them. */
  public ProfileService(ProfileStore profiles, java.util.function.Consumer<String> nameChanged) {
    this.profiles = profiles;
    this.nameChanged = nameChanged;
  }

  /**
   * {@code {userId, email, emailVerified, displayName, avatarUrl, locale}}; email is null for an external
   * issuer's user.
   */
  public Future<JsonObject> me(String userId) {
    return profiles.get(userId).map(me -> new JsonObject().put("userId", userId).put("email", me.email().orElse(null))
        .put("emailVerified", me.emailVerified())
        .mergeIn(me.profile().toJson()));
  }

  /** Applies a {@code PATCH /v1/me} body (fields given are set, null clears one) and answers as {@link #me}. */
  public Future<JsonObject> patch(String userId, JsonObject patch) {
    return profiles.get(userId)
        .compose(me -> profiles.put(userId, me.profile().patched(patch)))
        .onSuccess(done -> nameChanged.accept(userId))
        .compose(done -> me(userId));
  }
}
