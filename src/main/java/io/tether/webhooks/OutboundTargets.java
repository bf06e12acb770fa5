package io.tether.webhooks;

import io.tether.core.TetherException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;

/**
 * URLs users give the server to call (webhooks, webhook push endpoints): absolute http(s), no
 * credentials, and unless allowed, nothing that resolves into loopback, private or link-local
 * networks, so a user cannot make the server call into its own network.
 */
public final class OutboundTargets {
  private final Vertx vertx;
  private final boolean allowPrivate;

  public OutboundTargets(Vertx vertx, boolean allowPrivate) {
    this.vertx = vertx;
    this.allowPrivate = allowPrivate;
  }

  /** Parses and checks the URL's form; throws a 400 naming what is wrong. */
  public static URI parse(String field, String text) {
    try {
      URI url = new URI(text);
      if (text.length() > 2048 || url.getHost() == null || !("https".equals(url.getScheme()) || "http".equals(url.getScheme()))
          || url.getUserInfo() != null) {
        throw TetherException.badRequest(field + " must be an absolute http(s) URL without credentials, at most 2048 characters");
      }
      return url;
    } catch (URISyntaxException e) {
      throw TetherException.badRequest(field + " is not a valid URL");
    }
  }

  /** Fails with a 400 when the host resolves into a private network (and that is not allowed). */
  public Future<Void> check(URI url) {
    if (allowPrivate) {
      return Future.succeededFuture();
    }
    // Name resolution blocks: off the event loop.
    return vertx.executeBlocking(() -> {
      try {
        for (InetAddress address : InetAddress.getAllByName(url.getHost())) {
          if (address.isLoopbackAddress() || address.isSiteLocalAddress() || address.isLinkLocalAddress()
              || address.isAnyLocalAddress() || address.isMulticastAddress()) {
            throw TetherException.badRequest("the URL points into a private network (webhooks.allowPrivateTargets is off)");
          }
        }
        return null;
      } catch (UnknownHostException e) {
        throw TetherException.badRequest("the URL's host does not resolve");
      }
    }, false);
  }
}
