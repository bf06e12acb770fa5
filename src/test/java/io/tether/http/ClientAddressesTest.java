package io.tether.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tether.config.ConfigException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 16, item 14: X-Forwarded-For is believed only from trusted proxies, and only its rightmost untrusted hop. */
class ClientAddressesTest {
  private final ClientAddresses behindProxies = new ClientAddresses(List.of("10.0.0.0/8", "fd00::/8"));

  @Test
  void withoutTrustedProxiesTheHeaderIsIgnored() {
    ClientAddresses direct = new ClientAddresses(List.of());
    assertThat(direct.of("198.51.100.7", List.of("1.2.3.4"))).isEqualTo("198.51.100.7");
  }

  @Test
  void fromAnUntrustedPeerTheHeaderIsIgnored() {
    assertThat(behindProxies.of("198.51.100.7", List.of("1.2.3.4"))).as("a client forging the header").isEqualTo("198.51.100.7");
  }

  @Test
  void theRightmostHopThatIsNotAProxyIsTheClient() {
    // The client wrote "1.2.3.4" itself; the balancer appended the real peer 203.0.113.9.
    assertThat(behindProxies.of("10.0.0.5", List.of("1.2.3.4, 203.0.113.9"))).isEqualTo("203.0.113.9");
    // Two proxies in a row, headers split over two lines.
    assertThat(behindProxies.of("10.0.0.5", List.of("1.2.3.4, 203.0.113.9", "10.1.1.1"))).isEqualTo("203.0.113.9");
    assertThat(behindProxies.of("fd00::1", List.of("2001:db8:1:2::99"))).isEqualTo("2001:db8:1:2::99");
    // Every hop a proxy: the leftmost one is the best there is.
    assertThat(behindProxies.of("10.0.0.5", List.of("10.9.9.9"))).isEqualTo("10.9.9.9");
    // Garbage stops the walk: nothing left of it is believed.
    assertThat(behindProxies.of("10.0.0.5", List.of("1.2.3.4, unknown, 10.1.1.1"))).isEqualTo("10.1.1.1");
    assertThat(behindProxies.of("10.0.0.5", List.of())).isEqualTo("10.0.0.5");
  }

  @Test
  void aBadEntryStopsTheStart() {
    assertThatThrownBy(() -> new ClientAddresses(List.of("lb.internal"))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("http.trustedProxies");
  }
}
