package io.tether.service;

import io.tether.auth.SpaceAccess;
import io.tether.bus.ChangeBus;
import io.tether.core.WriteCommand;
import io.tether.core.WriteResult;
import io.tether.ops.Metrics;
import io.tether.store.ChangeWriter;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Document writes, the one path every API (REST, WebSocket mutations, later GraphQL) goes through:
 * authorize, commit, then publish. A publish that fails loses nothing: subscribers find the change in
 * the log through gap detection or the periodic head check.
 */
public final class DocumentService {
  private static final Logger LOG = LoggerFactory.getLogger(DocumentService.class);

  private final SpaceAccess access;
  private final ChangeWriter writer;
  private final ChangeBus bus;
  private final Metrics metrics;

  public DocumentService(SpaceAccess access, ChangeWriter writer, ChangeBus bus, Metrics metrics) {
    this.access = access;
    this.writer = writer;
    this.bus = bus;
    this.metrics = metrics;
  }

  public Future<WriteResult> write(WriteCommand command) {
    return access.toWrite(command.space(), command.actor())
        .compose(role -> writer.write(command))
        .onSuccess(this::publish);
  }

  /** Publishes a committed write; never fails the caller, whose write is already durable. */
  public void publish(WriteResult result) {
    metrics.changeCommitted();
    bus.publish(result.change()).onFailure(err -> LOG.warn("Publish of {}#{} failed (subscribers will catch up from the log): {}",
        result.change().space(), result.change().seq(), err.toString()));
  }
}
