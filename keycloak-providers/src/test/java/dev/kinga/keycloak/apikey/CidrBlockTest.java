package dev.kinga.keycloak.apikey;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CidrBlockTest {

    @Test
    void matchesAddressesInsideTheNetworkOnly() {
        CidrBlock ten = CidrBlock.parse("10.1.2.3/8");
        assertEquals("10.0.0.0/8", ten.toString());
        assertTrue(ten.contains("10.255.0.1"));
        assertFalse(ten.contains("11.0.0.1"));
        assertFalse(ten.contains("::1"));
        assertFalse(ten.contains("not-an-address"));
        CidrBlock v6 = CidrBlock.parse("2001:db8::/32");
        assertTrue(v6.contains("2001:db8:1::7"));
        assertFalse(v6.contains("2001:db9::1"));
        assertTrue(CidrBlock.parse("127.0.0.1").contains("127.0.0.1"));
        assertTrue(CidrBlock.parse("0.0.0.0/0").contains("192.0.2.1"));
    }

    @Test
    void refusesHostNamesAndBadPrefixes() {
        for (String bad : new String[] {"example.org", "10.0.0.0/33", "10.0.0.0/", "10.0.0.0/-1", "", " ", "::/129", "1.2.3.4/8/8"}) {
            assertThrows(IllegalArgumentException.class, () -> CidrBlock.parse(bad), bad);
        }
    }
}
