package io.servingmonitor.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TrustedProxiesTest {

    private final TrustedProxies proxies = TrustedProxies.parse(List.of("127.0.0.0/8", "::1", "10.1.0.0/16"));

    @Test
    void untrustedPeerIsTheCallerWhateverItForwards() {
        assertThat(proxies.callerIp("198.51.100.1", "203.0.113.7", "203.0.113.8")).isEqualTo("198.51.100.1");
    }

    @Test
    void trustedPeerForwardsTheClientAddress() {
        assertThat(proxies.callerIp("127.0.0.1", "203.0.113.7", null)).isEqualTo("203.0.113.7");
    }

    @Test
    void addressesAddedByTrustedHopsAreSkippedButSpoofedOnesAreNotBelieved() {
        // the client sent "1.2.3.4" itself; our proxies saw 203.0.113.7 and then 10.1.2.3
        assertThat(proxies.callerIp("127.0.0.1", "1.2.3.4, 203.0.113.7, 10.1.2.3", null)).isEqualTo("203.0.113.7");
    }

    @Test
    void realIpIsUsedWithoutForwardedFor() {
        assertThat(proxies.callerIp("::1", null, "203.0.113.9")).isEqualTo("203.0.113.9");
    }

    @Test
    void garbageInTheHeadersFallsBackToThePeer() {
        assertThat(proxies.callerIp("127.0.0.1", "evil.example.com", null)).isEqualTo("127.0.0.1");
        assertThat(proxies.callerIp("127.0.0.1", null, "999.1.1.1")).isEqualTo("127.0.0.1");
    }

    @Test
    void portsAndBracketsAreRemoved() {
        assertThat(proxies.callerIp("127.0.0.1", "203.0.113.7:5555", null)).isEqualTo("203.0.113.7");
        assertThat(proxies.callerIp("[::1]", "[2001:db8::1]:443", null)).isEqualTo("2001:db8:0:0:0:0:0:1");
    }

    @Test
    void cidrBlocksMatchByPrefix() {
        assertThat(proxies.isTrusted("10.1.255.1")).isTrue();
        assertThat(proxies.isTrusted("10.2.0.1")).isFalse();
        assertThat(proxies.isTrusted("127.4.5.6")).isTrue();
    }

    @Test
    void hostNamesAreNotAccepted() {
        assertThatThrownBy(() -> TrustedProxies.parse(List.of("localhost")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("localhost");
        assertThatThrownBy(() -> TrustedProxies.parse(List.of("10.0.0.0/33")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
