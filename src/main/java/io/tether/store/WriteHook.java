package io.tether.store;

import io.tether.core.WriteCommand;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;

/**
 * A statement a feature sends inside every write's transaction (queueing webhook deliveries, a push
 * job), so what the write causes commits with it or not at all. The composition root registers the
 * hooks; the store knows none of the features.
 */
@FunctionalInterface
public interface WriteHook {

  /** What the written space has, read with its lock: hooks skip their statement when it has nothing for them. */
  record SpaceFanout(boolean webhooks, boolean devices) {}

  Future<?> alongside(SqlClient tx, WriteCommand cmd, long seq, SpaceFanout fanout);
}
