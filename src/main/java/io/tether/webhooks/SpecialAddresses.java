package io.tether.webhooks;

import io.tether.core.Cidr;
import java.net.InetAddress;
import java.util.List;

/**
 * The IANA special-purpose address registries (IPv4 and IPv6, RFC 6890 and its updates) plus
 * multicast: every block that is not an ordinary public unicast address. A URL a user gives the
 * server to call must resolve outside all of them, or it could reach the node's own network, a
 * cloud metadata service (169.254.169.254, fd00:ec2::254), a carrier-grade NAT or a NAT64 gateway
 * that leads back into private IPv4.
 */
final class SpecialAddresses {
  private record Block(Cidr cidr, String name) {}

  private static final List<Block> BLOCKS = List.of(
      block("0.0.0.0/8", "this network"),
      block("10.0.0.0/8", "private"),
      block("100.64.0.0/10", "shared address space (carrier-grade NAT)"),
      block("127.0.0.0/8", "loopback"),
      block("169.254.0.0/16", "link-local (cloud metadata)"),
      block("172.16.0.0/12", "private"),
      block("192.0.0.0/24", "IETF protocol assignments"),
      block("192.0.2.0/24", "documentation"),
      block("192.31.196.0/24", "AS112"),
      block("192.52.193.0/24", "AMT"),
      block("192.88.99.0/24", "6to4 relay anycast"),
      block("192.168.0.0/16", "private"),
      block("192.175.48.0/24", "AS112 direct delegation"),
      block("198.18.0.0/15", "benchmarking"),
      block("198.51.100.0/24", "documentation"),
      block("203.0.113.0/24", "documentation"),
      block("224.0.0.0/4", "multicast"),
      block("240.0.0.0/4", "reserved"),
      block("::/127", "unspecified and loopback"),
      block("::ffff:0:0/96", "IPv4-mapped"),
      block("64:ff9b::/96", "NAT64"),
      block("64:ff9b:1::/48", "local-use NAT64"),
      block("100::/64", "discard-only"),
      block("2001::/23", "IETF protocol assignments (Teredo, ORCHID…)"),
      block("2001:db8::/32", "documentation"),
      block("2002::/16", "6to4"),
      block("3fff::/20", "documentation"),
      block("5f00::/16", "segment routing (SRv6) SIDs"),
      block("fc00::/7", "unique local (cloud IPv6 metadata)"),
      block("fe80::/10", "link-local"),
      block("fec0::/10", "site-local (deprecated)"),
      block("ff00::/8", "multicast"));

  private SpecialAddresses() {}

  /** The name of the special-purpose block {@code address} falls in, or null for a public unicast address. */
  static String blockOf(InetAddress address) {
    byte[] bytes = address.getAddress();
    for (Block block : BLOCKS) {
      if (block.cidr().contains(bytes)) {
        return block.name();
      }
    }
    return null;
  }

  private static Block block(String cidr, String name) {
    return new Block(java.util.Objects.requireNonNull(Cidr.parse(cidr), cidr), name);
  }
}
