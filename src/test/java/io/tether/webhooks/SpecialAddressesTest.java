package io.tether.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** Issue 16, item 9: every IANA special-purpose block is refused, ordinary public addresses pass. */
class SpecialAddressesTest {

  private static String block(String literal) throws Exception {
    return SpecialAddresses.blockOf(InetAddress.getByName(literal));
  }

  @Test
  void theBlocksThatPassedBeforeAreRefused() throws Exception {
    // These passed the old check (loopback, site-local, link-local, any, multicast only).
    for (String literal : new String[] {"fd00:ec2::254", "fc00::1", "100.64.0.1", "100.127.255.254", "198.18.0.1",
        "198.19.255.255", "192.0.0.170", "64:ff9b::a9fe:a9fe", "64:ff9b:1::1", "2001:db8::1", "2002:a9fe:a9fe::1",
        "2001::1", "240.0.0.1", "255.255.255.255", "192.0.2.10", "203.0.113.5", "3fff::1", "5f00::1", "100::1",
        "0.1.2.3"}) {
      assertThat(block(literal)).as(literal).isNotNull();
    }
  }

  @Test
  void theOldOnesStayRefused() throws Exception {
    for (String literal : new String[] {"127.0.0.1", "::1", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1",
        "169.254.169.254", "fe80::1", "::", "0.0.0.0", "224.0.0.1", "ff02::1", "::ffff:127.0.0.1"}) {
      assertThat(block(literal)).as(literal).isNotNull();
    }
  }

  @Test
  void publicAddressesPass() throws Exception {
    for (String literal : new String[] {"8.8.8.8", "1.1.1.1", "172.32.0.1", "100.128.0.1", "198.20.0.1", "192.0.1.1",
        "2606:4700:4700::1111", "2a00:1450:4001:80b::200e", "64:ff9b:2::1"}) {
      assertThat(block(literal)).as(literal).isNull();
    }
  }
}
