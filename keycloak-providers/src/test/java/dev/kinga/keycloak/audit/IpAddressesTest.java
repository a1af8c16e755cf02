package dev.kinga.keycloak.audit;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class IpAddressesTest {

    @Test
    void keepsAddressesUnlessTruncationIsOn() {
        assertEquals("192.168.10.77", IpAddresses.truncate("192.168.10.77", AuditConfig.IpTruncation.NONE));
    }

    @Test
    void truncatesToTheNetwork() {
        assertEquals("192.168.10.0/24", IpAddresses.truncate("192.168.10.77", AuditConfig.IpTruncation.NETWORK));
        assertEquals("2001:db8:abcd:0:0:0:0:0/48", IpAddresses.truncate("2001:db8:abcd:12::1", AuditConfig.IpTruncation.NETWORK));
    }

    @Test
    void storesNothingForSomethingThatIsNotAnAddress() {
        assertNull(IpAddresses.truncate("evil.example.com", AuditConfig.IpTruncation.NETWORK));
    }
}
