package io.tether.webhooks;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.util.concurrent.TimeoutException;

/**
 * One POST to a URL a user registered (a webhook, a webhook push device), bounded in every way a
 * hostile endpoint could stretch it: the target is resolved and checked at this attempt and the
 * connection goes to the checked address; the whole attempt (connect, send, headers, body) ends at
 * {@code timeoutMillis} however slowly the endpoint trickles bytes; and at most
 * {@link #MAX_ANSWER_BYTES} of the answer are kept, the rest is not read.
 */
public final class OutboundCall {
  /** Enough for any error message worth logging. */
  public static final int MAX_ANSWER_BYTES = 16 * 1024;

  /** What the endpoint answered; {@code body} holds at most {@link #MAX_ANSWER_BYTES}. */
  public record Answer(int status, MultiMap headers, Buffer body) {}

  private final Vertx vertx;
  private final HttpClient http;
  private final OutboundTargets targets;
  private final long timeoutMillis;

  public OutboundCall(Vertx vertx, HttpClient http, OutboundTargets targets, long timeoutMillis) {
    this.vertx = vertx;
    this.http = http;
    this.targets = targets;
    this.timeoutMillis = timeoutMillis;
  }

  /** Fails with the reason (unreachable, refused target, past the deadline); any status is an answer. */
  public Future<Answer> post(String url, MultiMap headers, Buffer body) {
    Promise<Answer> answer = Promise.promise();
    HttpClientRequest[] sent = new HttpClientRequest[1];
    long deadline = vertx.setTimer(timeoutMillis, id -> {
      if (answer.tryFail(new TimeoutException("no complete answer within " + timeoutMillis + " ms")) && sent[0] != null) {
        sent[0].reset();
      }
    });
    targets.resolve(URI.create(url))
        .compose(address -> {
          RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url)
              .setConnectTimeout(timeoutMillis).setIdleTimeout(timeoutMillis).setFollowRedirects(false);
          if (address != null) {
            options.setServer(address);
          }
          options.setHeaders(headers);
          return http.request(options);
        })
        .compose(request -> {
          sent[0] = request;
          return request.send(body);
        })
        .compose(response -> {
          Promise<Answer> read = Promise.promise();
          Buffer kept = Buffer.buffer();
          response.handler(chunk -> {
            int room = MAX_ANSWER_BYTES - kept.length();
            if (room > 0) {
              kept.appendBuffer(chunk.length() <= room ? chunk : chunk.slice(0, room));
            } else if (read.tryComplete(new Answer(response.statusCode(), response.headers(), kept))) {
              // The status is all that counts: stop reading a body of gigabytes.
              response.request().reset();
            }
          });
          response.exceptionHandler(read::tryFail);
          response.endHandler(v -> read.tryComplete(new Answer(response.statusCode(), response.headers(), kept)));
          return read.future();
        })
        .onComplete(ar -> {
          vertx.cancelTimer(deadline);
          if (ar.succeeded()) {
            answer.tryComplete(ar.result());
          } else {
            answer.tryFail(ar.cause());
          }
        });
    return answer.future();
  }
}
