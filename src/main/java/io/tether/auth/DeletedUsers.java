package io.tether.auth;

import io.tether.bus.BusListener;
import io.tether.core.ChangeFrame;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Users deleted lately, so that access tokens they still hold (checked by signature, valid up to
 * {@code auth.accessTokenTtlSeconds}) stop working at once on every node. A deletion is told on the
 * membership channel as a revocation of the user ({@code ChangeBus.publishRevocation(MEMBERSHIPS, user)});
 * an entry is kept as long as a token issued before it can live.
 */
public final class DeletedUsers implements BusListener {
  /** User id → until when (epoch millis) it is kept. */
  private final ConcurrentHashMap<String, Long> deleted = new ConcurrentHashMap<>();
  private final long keepMillis;
  private final int maxEntries;
  private final LongSupplier clock;

  public DeletedUsers(Duration keep, int maxEntries) {
    this(keep, maxEntries, System::currentTimeMillis);
  }

  DeletedUsers(Duration keep, int maxEntries, LongSupplier clock) {
    this.keepMillis = keep.toMillis();
    this.maxEntries = maxEntries;
    this.clock = clock;
  }

  public void add(String userId) {
    long now = clock.getAsLong();
    if (deleted.size() >= maxEntries) {
      deleted.values().removeIf(until -> until <= now);
    }
    // Still full: more deletions within one token lifetime than the bound; the oldest matter least.
    while (deleted.size() >= maxEntries) {
      deleted.entrySet().stream().min(java.util.Map.Entry.comparingByValue())
          .ifPresent(oldest -> deleted.remove(oldest.getKey(), oldest.getValue()));
    }
    deleted.put(userId, now + keepMillis);
  }

  public boolean contains(String userId) {
    Long until = deleted.get(userId);
    if (until == null) {
      return false;
    }
    if (until <= clock.getAsLong()) {
      deleted.remove(userId, until);
      return false;
    }
    return true;
  }

  @Override
  public void onRevoked(String userId) {
    add(userId);
  }

  @Override
  public void onChange(ChangeFrame frame) {
    // not a space feed
  }

  @Override
  public void onGapPossible() {
    // A notice lost while the bus was away cannot be recovered here; such a token finds no
    // memberships and no account, and runs out within the access-token TTL.
  }
}
