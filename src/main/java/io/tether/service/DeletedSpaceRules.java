package io.tether.service;

import io.tether.bus.BusListener;
import io.tether.core.ChangeFrame;
import io.tether.rules.RulesCache;

/**
 * Keeps the node's rules versions true when spaces are deleted: a space created later under the same
 * id numbers its versions from the start again, so what was cached of the old one must go. Listens
 * on the membership channel; a bus that may have lost messages forgets every version.
 */
public final class DeletedSpaceRules implements BusListener {
  private final RulesCache cache;

  public DeletedSpaceRules(RulesCache cache) {
    this.cache = cache;
  }

  @Override
  public void onSpaceDeleted(String space) {
    cache.forget(space);
  }

  @Override
  public void onGapPossible() {
    cache.forgetVersions();
  }

  @Override
  public void onChange(ChangeFrame frame) {
    // not a space feed
  }

  @Override
  public void onRevoked(String userId) {
    // revocations concern live subscriptions
  }
}
