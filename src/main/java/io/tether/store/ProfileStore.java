package io.tether.store;

import io.tether.core.Profile;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.Optional;

/** Profiles by user id, and the built-in account's email beside them. */
public final class ProfileStore {
  private static final String GET = """
      SELECT p.display_name, p.avatar_url, p.locale, u.email, u.email_verified_at IS NOT NULL
      FROM (SELECT $1::text AS id) me
      LEFT JOIN profiles p ON p.user_id = me.id LEFT JOIN users u ON u.id = me.id""";
  private static final String PUT = """
      INSERT INTO profiles (user_id, display_name, avatar_url, locale) VALUES ($1, $2, $3, $4)
      ON CONFLICT (user_id) DO UPDATE SET display_name = EXCLUDED.display_name, avatar_url = EXCLUDED.avatar_url,
          locale = EXCLUDED.locale, updated_at = now()""";

  /** A profile and, for a built-in account, its email. */
  public record Me(Profile profile, Optional<String> email, boolean emailVerified) {}

  private final Pool pool;

  public ProfileStore(Pool pool) {
    this.pool = pool;
  }

  public Future<Me> get(String userId) {
    return pool.preparedQuery(GET).execute(Tuple.of(userId)).map(rows -> {
      Row row = rows.iterator().next();
      return new Me(new Profile(row.getString(0), row.getString(1), row.getString(2)), Optional.ofNullable(row.getString(3)),
          Boolean.TRUE.equals(row.getBoolean(4)));
    });
  }

  /** The user's display name, or null. */
  public Future<String> displayName(String userId) {
    return pool.preparedQuery("SELECT display_name FROM profiles WHERE user_id = $1").execute(Tuple.of(userId))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString(0));
  }

  public Future<Void> put(String userId, Profile profile) {
    return pool.preparedQuery(PUT)
        .execute(Tuple.of(userId, profile.displayName(), profile.avatarUrl(), profile.locale())).mapEmpty();
  }
}
