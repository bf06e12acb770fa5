package io.tether.http;

import io.tether.core.Cidr;
import io.tether.config.ConfigException;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * Who the client is, for per-address limits and the access log. Behind a load balancer the peer is
 * the balancer, so {@code X-Forwarded-For} is read, but only when the peer is one of
 * {@code http.trustedProxies}: from the right, the first address that is not a trusted proxy is the
 * client (what lies to its left was written by the client and proves nothing). From anyone else the
 * header is ignored, so a client cannot choose its own bucket.
 */
final class ClientAddresses {
  static final String KEY = "tether.client";

  private final List<Cidr> trusted = new ArrayList<>();

  ClientAddresses(List<String> trustedProxies) {
    for (String entry : trustedProxies) {
      Cidr cidr = Cidr.parse(entry);
      if (cidr == null) {
        throw new ConfigException("http.trustedProxies", "not an address or CIDR block: " + entry);
      }
      trusted.add(cidr);
    }
  }

  String of(HttpServerRequest request) {
    String peer = request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
    return of(peer, request.headers().getAll("X-Forwarded-For"));
  }

  /** The client behind {@code peer}, given the request's X-Forwarded-For headers in order. */
  String of(String peer, List<String> forwardedFor) {
    if (trusted.isEmpty() || !isTrusted(peer)) {
      return peer;
    }
    List<String> hops = new ArrayList<>();
    for (String header : forwardedFor) {
      for (String hop : header.split(",")) {
        hops.add(hop.trim());
      }
    }
    String client = peer;
    for (int i = hops.size() - 1; i >= 0; i--) {
      String hop = hops.get(i);
      if (Cidr.literal(hop) == null) {
        break; // garbage (or "unknown"): nothing left of it can be trusted either
      }
      client = hop;
      if (!isTrusted(hop)) {
        break;
      }
    }
    return client;
  }

  private boolean isTrusted(String address) {
    byte[] bytes = Cidr.literal(address);
    return trusted.stream().anyMatch(cidr -> cidr.contains(bytes));
  }
}
