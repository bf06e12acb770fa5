package io.tether.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.support.Await;
import io.tether.support.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Migrations at start are safe when several nodes start at the same moment. */
class MigratorIT {

  @Test
  void nodesStartingTogetherApplyEachMigrationOnce() {
    Vertx vertx = Vertx.vertx();
    TestDatabase db = TestDatabase.create(vertx);
    List<Pool> pools = new ArrayList<>();
    try {
      List<Future<Integer>> runs = new ArrayList<>();
      for (int node = 0; node < 4; node++) {
        Pool pool = PgBuilder.pool().connectingTo(PgConnectOptions.fromUri(db.url())).using(vertx).build();
        pools.add(pool);
        runs.add(new Migrator(pool).migrate());
      }
      Await.result(Future.all(runs));
      int applied = runs.stream().mapToInt(Future::result).sum();
      assertThat(applied).isEqualTo(Migrator.MIGRATIONS.size());
      long rows = Await.result(db.pool().query("SELECT count(*) FROM schema_migrations").execute()).iterator().next().getLong(0);
      assertThat(rows).isEqualTo(Migrator.MIGRATIONS.size());
      assertThat(Await.result(new Migrator(pools.get(0)).migrate())).as("a restart applies nothing").isZero();
    } finally {
      pools.forEach(p -> Await.result(p.close()));
      db.close();
      Await.result(vertx.close());
    }
  }
}
