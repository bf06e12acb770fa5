package io.tether.bus;

import io.vertx.core.Vertx;

class LocalChangeBusTest extends ChangeBusContract {
  @Override
  protected ChangeBus newBus(Vertx vertx) {
    return new LocalChangeBus(vertx);
  }
}
