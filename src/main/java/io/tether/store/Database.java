package io.tether.store;

import io.tether.config.TetherConfig;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.util.concurrent.TimeUnit;

/** Builds the node's one PostgreSQL pool, shared by every API verticle instance. */
public final class Database {
  private Database() {}

  public static Pool pool(Vertx vertx, String url, TetherConfig.Pg config) {
    PgConnectOptions connect = PgConnectOptions.fromUri(url).setCachePreparedStatements(true)
        .setPipeliningLimit(config.pipeliningLimit());
    NetClientOptions net = new NetClientOptions().setConnectTimeout(config.connectTimeoutMillis());
    PoolOptions pool = new PoolOptions()
        .setMaxSize(config.poolSize())
        .setMaxWaitQueueSize(config.poolWaitQueueSize())
        // A request that cannot get a connection in time fails (503) instead of hanging.
        .setConnectionTimeout(config.connectTimeoutMillis())
        .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS)
        .setName("tether-pg");
    return PgBuilder.pool().with(pool).with(net).connectingTo(connect).using(vertx).build();
  }

  /** host:port/database of a URL, without its credentials, for messages and logs. */
  public static String describe(String url) {
    PgConnectOptions options = PgConnectOptions.fromUri(url);
    return options.getHost() + ":" + options.getPort() + "/" + options.getDatabase();
  }
}
