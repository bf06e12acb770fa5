package io.tether.bus;

import io.tether.core.ChangeFrame;

import io.tether.core.Change;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The bus of a single node: delivers in process, to every listener of the space, on the listener's
 * context. Never loses a message, but a change published by one event loop may overtake one published
 * by another, so listeners still order by seq.
 */
public final class LocalChangeBus implements ChangeBus {
  private final Vertx vertx;
  private final Map<String, List<Registration>> bySpace = new ConcurrentHashMap<>();
  private volatile boolean closed;

  public LocalChangeBus(Vertx vertx) {
    this.vertx = vertx;
  }

  @Override
  public Future<Void> publish(Change change) {
    if (closed) {
      return Future.failedFuture("bus closed");
    }
    List<Registration> registrations = bySpace.get(change.space());
    if (registrations != null && !registrations.isEmpty()) {
      ChangeFrame frame = ChangeFrame.of(change);
      for (Registration r : registrations) {
        r.context.runOnContext(v -> r.listener.onChange(frame));
      }
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> publishMembershipChange(String space, String userId) {
    List<Registration> registrations = bySpace.get(MEMBERSHIPS);
    if (registrations != null) {
      for (Registration r : registrations) {
        r.context.runOnContext(v -> r.listener.onMembershipChanged(space, userId));
      }
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> publishEphemeral(String space, JsonObject message) {
    if (closed) {
      return Future.failedFuture("bus closed");
    }
    List<Registration> registrations = bySpace.get(space);
    if (registrations != null) {
      for (Registration r : registrations) {
        r.context.runOnContext(v -> r.listener.onEphemeral(message));
      }
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> publishRevocation(String space, String userId) {
    List<Registration> registrations = bySpace.get(space);
    if (registrations != null) {
      for (Registration r : registrations) {
        r.context.runOnContext(v -> r.listener.onRevoked(userId));
      }
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> publishSpaceDeleted(String space) {
    if (closed) {
      return Future.failedFuture("bus closed");
    }
    for (String channel : List.of(space, MEMBERSHIPS)) {
      List<Registration> registrations = bySpace.get(channel);
      if (registrations != null) {
        for (Registration r : registrations) {
          r.context.runOnContext(v -> r.listener.onSpaceDeleted(space));
        }
      }
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<Subscription> subscribe(String space, BusListener listener) {
    if (closed) {
      return Future.failedFuture("bus closed");
    }
    Registration registration = new Registration(space, listener, vertx.getOrCreateContext());
    bySpace.computeIfAbsent(space, s -> new CopyOnWriteArrayList<>()).add(registration);
    return Future.succeededFuture(registration);
  }

  @Override
  public Future<Void> ping() {
    return closed ? Future.failedFuture("bus closed") : Future.succeededFuture();
  }

  @Override
  public Future<Void> close() {
    closed = true;
    bySpace.clear();
    return Future.succeededFuture();
  }

  private final class Registration implements Subscription {
    private final String space;
    private final BusListener listener;
    private final Context context;

    Registration(String space, BusListener listener, Context context) {
      this.space = space;
      this.listener = listener;
      this.context = context;
    }

    @Override
    public Future<Void> unsubscribe() {
      bySpace.computeIfPresent(space, (s, list) -> {
        list.remove(this);
        return list.isEmpty() ? null : list;
      });
      return Future.succeededFuture();
    }
  }
}
