package io.tether.push;

import io.tether.jobs.JobFailure;
import io.vertx.core.http.HttpClientResponse;

/** The classification both providers share: 429 and 5xx are retried after Retry-After; other 4xx are not. */
final class ProviderErrors {
  private ProviderErrors() {}

  static RuntimeException classify(String provider, HttpClientResponse response, String body) {
    return classify(provider, response.statusCode(), response.headers(), body);
  }

  static RuntimeException classify(String provider, int status, io.vertx.core.MultiMap headers, String body) {
    String why = provider + " answered " + status + ": " + (body.length() > 300 ? body.substring(0, 300) : body);
    if (status == 429 || status >= 500) {
      return JobFailure.retry(why, JobFailure.retryAfterMillis(headers.get("Retry-After")));
    }
    return JobFailure.permanent(why);
  }
}
