package io.tether.support;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * A real HTTP server that receives webhooks and answers what the test says (200, 503, 400, …; a
 * negative status holds the request open without answering, like a receiver that hangs).
 */
public final class WebhookReceiver implements AutoCloseable {
  /** {@code standard}: the Standard Webhooks headers, id, timestamp and signature. */
  public record Received(String delivery, String signature, byte[] body, int answered, List<String> standard) {
    public JsonObject json() {
      return new JsonObject(new String(body, java.nio.charset.StandardCharsets.UTF_8));
    }

    public long seq() {
      return json().getJsonObject("change").getLong("seq");
    }
  }

  private final HttpServer server;
  private final List<Received> received = new ArrayList<>();
  private volatile IntSupplier answer = () -> 200;

  public WebhookReceiver(Vertx vertx) {
    server = Await.result(vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      int status = answer.getAsInt();
      synchronized (this) {
        received.add(new Received(request.getHeader("Tether-Delivery"), request.getHeader("Tether-Signature"), body.getBytes(), status,
            java.util.Arrays.asList(request.getHeader("webhook-id"), request.getHeader("webhook-timestamp"),
                request.getHeader("webhook-signature"))));
      }
      if (status >= 0) {
        request.response().setStatusCode(status).putHeader("Retry-After", "0").end();
      }
    })).listen(0, "127.0.0.1"));
  }

  public String url() {
    return "http://127.0.0.1:" + server.actualPort() + "/hook";
  }

  public void answer(IntSupplier status) {
    this.answer = status;
  }

  public synchronized List<Received> received() {
    return new ArrayList<>(received);
  }

  /** The deliveries the receiver accepted (2xx), in arrival order. */
  public synchronized List<Received> accepted() {
    return received.stream().filter(r -> r.answered() >= 200 && r.answered() < 300).toList();
  }

  @Override
  public void close() {
    Await.result(server.close());
  }
}
