package io.tether.webhooks;

import io.netty.util.NetUtil;
import io.tether.core.TetherException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.dns.DnsClient;
import io.vertx.core.dns.DnsClientOptions;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * URLs users give the server to call (webhooks, webhook push endpoints): absolute http(s), no
 * credentials, and unless allowed, nothing that resolves into a special-purpose network
 * ({@link SpecialAddresses}: loopback, private, link-local, carrier-grade NAT, NAT64, …), so a user
 * cannot make the server call into its own network.
 *
 * <p>A host is resolved with Vert.x's asynchronous DNS client (bounded by a timeout, never on a
 * worker thread) at registration and again at every attempt, and the attempt connects to the
 * address that was just checked: a name that resolves to a public address when registered and to
 * 127.0.0.1 a second later (DNS rebinding) is refused, not called.
 */
public final class OutboundTargets {
  private final boolean allowPrivate;
  private final DnsClient dns;

  /** {@code dnsServer} is {@code host:port}, or null for the system's resolver. */
  public OutboundTargets(Vertx vertx, boolean allowPrivate, String dnsServer, long timeoutMillis) {
    this.allowPrivate = allowPrivate;
    DnsClientOptions options = new DnsClientOptions().setQueryTimeout(timeoutMillis);
    if (dnsServer != null) {
      int colon = dnsServer.lastIndexOf(':');
      options.setHost(dnsServer.substring(0, colon).replace("[", "").replace("]", ""))
          .setPort(Integer.parseInt(dnsServer.substring(colon + 1)));
    }
    this.dns = allowPrivate ? null : vertx.createDnsClient(options);
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

  /** Fails with a 400 when the host does not resolve, or resolves into a special-purpose network. */
  public Future<Void> check(URI url) {
    return resolve(url).mapEmpty();
  }

  /**
   * Where to connect for {@code url}: a checked public address and the URL's port, or null when
   * private targets are allowed (the HTTP client then resolves the name itself).
   */
  public Future<SocketAddress> resolve(URI url) {
    if (allowPrivate) {
      return Future.succeededFuture(null);
    }
    String host = url.getHost().startsWith("[") ? url.getHost().substring(1, url.getHost().length() - 1) : url.getHost();
    int port = url.getPort() > 0 ? url.getPort() : "https".equals(url.getScheme()) ? 443 : 80;
    Future<List<String>> addresses = NetUtil.isValidIpV4Address(host) || NetUtil.isValidIpV6Address(host)
        ? Future.succeededFuture(List.of(host))
        : lookup(host);
    return addresses.map(found -> {
      InetAddress chosen = null;
      for (String text : found) {
        InetAddress address = literal(text);
        String block = SpecialAddresses.blockOf(address);
        if (block != null) {
          throw TetherException.badRequest("the URL points into a private network (" + block + "; "
              + "webhooks.allowPrivateTargets is off)");
        }
        if (chosen == null) {
          chosen = address;
        }
      }
      if (chosen == null) {
        throw TetherException.badRequest("the URL's host does not resolve");
      }
      return SocketAddress.inetSocketAddress(port, chosen.getHostAddress());
    });
  }

  /** Every A and AAAA record of {@code host}, IPv4 first; an error or timeout counts as no address. */
  private Future<List<String>> lookup(String host) {
    Future<List<String>> v4 = dns.resolveA(host).otherwise(List.of());
    Future<List<String>> v6 = dns.resolveAAAA(host).otherwise(List.of());
    return Future.all(v4, v6).map(both -> {
      List<String> all = new ArrayList<>(v4.result());
      all.addAll(v6.result());
      return all;
    });
  }

  private static InetAddress literal(String text) {
    byte[] bytes = NetUtil.createByteArrayFromIpAddressString(text);
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException | NullPointerException e) {
      throw TetherException.badRequest("the URL's host does not resolve");
    }
  }
}
