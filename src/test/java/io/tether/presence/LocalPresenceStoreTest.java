package io.tether.presence;

class LocalPresenceStoreTest extends PresenceStoreContract {
  private final PresenceStore store = new LocalPresenceStore();

  @Override
  protected PresenceStore store() {
    return store;
  }
}
