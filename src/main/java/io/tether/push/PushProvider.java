package io.tether.push;

import io.vertx.core.Future;

/**
 * One push service (FCM, APNs). {@link #send} completes normally when the provider took the message,
 * and otherwise fails with a classified outcome: {@link Unregistered} (drop the token) or a
 * {@link io.tether.jobs.JobFailure} (retry, with the provider's Retry-After, or give up).
 */
public interface PushProvider {

  Future<Void> send(PushMessage message);

  /** The provider says the token will never work again (app uninstalled, token rotated). */
  final class Unregistered extends RuntimeException {
    public Unregistered(String message) {
      super(message, null, false, false);
    }
  }
}
