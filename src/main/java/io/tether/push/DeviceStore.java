package io.tether.push;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

/** The devices each user registered for push notifications (one row per user and device id). */
public final class DeviceStore {
  private final Pool pool;

  public DeviceStore(Pool pool) {
    this.pool = pool;
  }

  /**
   * Registers or updates a device; a user already holding {@code maxPerUser} other devices gets 413
   * (each device is a push per change, and a webhook device a call into someone's server).
   */
  public Future<Void> put(String userId, String deviceId, String platform, String token, String locale, int maxPerUser) {
    return pool.preparedQuery("""
        INSERT INTO devices (user_id, device_id, platform, token, locale)
        SELECT $1, $2, $3, $4, $5
        WHERE (SELECT count(*) FROM devices WHERE user_id = $1 AND device_id <> $2) < $6
        ON CONFLICT (user_id, device_id) DO UPDATE
        SET platform = EXCLUDED.platform, token = EXCLUDED.token, locale = EXCLUDED.locale, updated_at = now()""")
        .execute(Tuple.of(userId, deviceId, platform, token, locale, maxPerUser))
        .compose(rows -> rows.rowCount() == 1 ? Future.<Void>succeededFuture() : Future.failedFuture(
            new io.tether.core.TetherException(io.tether.core.ErrorCode.TOO_LARGE,
                "at most " + maxPerUser + " devices per user: delete one first")));
  }

  public Future<Boolean> delete(String userId, String deviceId) {
    return pool.preparedQuery("DELETE FROM devices WHERE user_id = $1 AND device_id = $2").execute(Tuple.of(userId, deviceId))
        .map(rows -> rows.rowCount() == 1);
  }

  /** A provider said the token is no longer valid: forget it, unless the device registered a new one meanwhile. */
  public Future<Void> forgetToken(String userId, String deviceId, String token) {
    return pool.preparedQuery("DELETE FROM devices WHERE user_id = $1 AND device_id = $2 AND token = $3")
        .execute(Tuple.of(userId, deviceId, token)).mapEmpty();
  }

  /** {@code [{deviceId, platform, locale, updatedAt}]}; push tokens are not echoed back. */
  public Future<JsonArray> list(String userId) {
    return pool.preparedQuery("SELECT device_id, platform, locale, updated_at FROM devices WHERE user_id = $1 ORDER BY device_id")
        .execute(Tuple.of(userId)).map(rows -> {
          JsonArray out = new JsonArray();
          rows.forEach(row -> out.add(new JsonObject().put("deviceId", row.getString(0)).put("platform", row.getString(1))
              .put("locale", row.getString(2)).put("updatedAt", row.getOffsetDateTime(3).toString())));
          return out;
        });
  }
}
