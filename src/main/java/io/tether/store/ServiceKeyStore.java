package io.tether.store;

import io.tether.core.ServiceGrant;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Optional;

/** Service keys, by name and by the SHA-256 of the key (the key itself is never stored). */
public final class ServiceKeyStore {
  private static final String CREATE = """
      INSERT INTO service_keys (name, key_hash, scopes, spaces, requests_per_second) VALUES ($1, $2, $3, $4, $5)
      ON CONFLICT (name) DO NOTHING RETURNING created_at""";
  private static final String LIST = """
      SELECT name, scopes, spaces, requests_per_second, created_at, last_used_at FROM service_keys ORDER BY name""";
  private static final String BY_HASH = "SELECT name, scopes, spaces, requests_per_second FROM service_keys WHERE key_hash = $1";
  private static final String DELETE = "DELETE FROM service_keys WHERE name = $1";
  private static final String TOUCH = "UPDATE service_keys SET last_used_at = now() WHERE name = $1";

  private final Pool pool;

  public ServiceKeyStore(Pool pool) {
    this.pool = pool;
  }

  /** Stores a key; the creation time, or empty when the name is taken. */
  public Future<Optional<String>> create(ServiceGrant grant, byte[] keyHash) {
    return pool.preparedQuery(CREATE).execute(Tuple.of(grant.name(), Buffer.buffer(keyHash),
            grant.scopes().toArray(String[]::new), grant.spaces() == null ? null : grant.spaces().toArray(String[]::new),
            grant.requestsPerSecond()))
        .map(rows -> rows.size() == 0 ? Optional.empty()
            : Optional.of(rows.iterator().next().getOffsetDateTime(0).toInstant().toString()));
  }

  /** Every key, without secrets. */
  public Future<JsonArray> list() {
    return pool.preparedQuery(LIST).execute().map(rows -> {
      JsonArray out = new JsonArray();
      for (Row row : rows) {
        out.add(new JsonObject().put("name", row.getString(0))
            .put("scopes", new JsonArray(Arrays.asList(row.getArrayOfStrings(1))))
            .put("spaces", row.getArrayOfStrings(2) == null ? null : new JsonArray(Arrays.asList(row.getArrayOfStrings(2))))
            .put("requestsPerSecond", row.getInteger(3))
            .put("createdAt", row.getOffsetDateTime(4).toInstant().toString())
            .put("lastUsedAt", row.getOffsetDateTime(5) == null ? null : row.getOffsetDateTime(5).toInstant().toString()));
      }
      return out;
    });
  }

  public Future<Optional<ServiceGrant>> byHash(byte[] keyHash) {
    return pool.preparedQuery(BY_HASH).execute(Tuple.of(Buffer.buffer(keyHash))).map(rows -> {
      if (rows.size() == 0) {
        return Optional.empty();
      }
      Row row = rows.iterator().next();
      String[] spaces = row.getArrayOfStrings(2);
      return Optional.of(new ServiceGrant(row.getString(0), new HashSet<>(Arrays.asList(row.getArrayOfStrings(1))),
          spaces == null ? null : new HashSet<>(Arrays.asList(spaces)), row.getInteger(3)));
    });
  }

  /** Removes a key; false when there was none by that name. */
  public Future<Boolean> delete(String name) {
    return pool.preparedQuery(DELETE).execute(Tuple.of(name)).map(rows -> rows.rowCount() == 1);
  }

  public Future<Void> touch(String name) {
    return pool.preparedQuery(TOUCH).execute(Tuple.of(name)).mapEmpty();
  }
}
