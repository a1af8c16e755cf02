package dev.kinga.keycloak.crypto;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SecretSealerTest {

    private static final String K1 = Base64.getEncoder().encodeToString(new byte[32]);
    private static final String K2 = Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
    private static final byte[] SECRET = "JBSWY3DPEHPK3PXP-secret".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] OWNER = "user-1".getBytes(StandardCharsets.US_ASCII);

    @Test
    void sealsAndOpensWithTheOwnerAndKeyIdInTheValue() {
        SecretSealer sealer = SecretSealer.parse("k1:" + K1, null);
        String sealed = sealer.seal(SECRET, OWNER);
        assertTrue(sealed.startsWith("v1.k1."));
        assertFalse(sealed.contains("JBSWY3DP"));
        assertArrayEquals(SECRET, sealer.open(sealed, OWNER));
        assertFalse(sealed.equals(sealer.seal(SECRET, OWNER)), "a fresh IV every time");
    }

    @Test
    void refusesAnotherOwnerOrATamperedValue() {
        SecretSealer sealer = SecretSealer.parse("k1:" + K1, null);
        String sealed = sealer.seal(SECRET, OWNER);
        assertThrows(IllegalArgumentException.class, () -> sealer.open(sealed, "user-2".getBytes(StandardCharsets.US_ASCII)));
        char last = sealed.charAt(sealed.length() - 2);
        String tampered = sealed.substring(0, sealed.length() - 2) + (last == 'A' ? 'B' : 'A') + sealed.charAt(sealed.length() - 1);
        assertThrows(IllegalArgumentException.class, () -> sealer.open(tampered, OWNER));
        assertThrows(IllegalArgumentException.class, () -> sealer.open("plain", OWNER));
    }

    @Test
    void rotatesKeysWithoutLosingOldValues() {
        String old = SecretSealer.parse("k1:" + K1, null).seal(SECRET, OWNER);
        SecretSealer rotated = SecretSealer.parse("k2:" + K2 + ",k1:" + K1, "k2");
        assertEquals("k2", rotated.activeKeyId());
        assertArrayEquals(SECRET, rotated.open(old, OWNER));
        assertTrue(rotated.seal(SECRET, OWNER).startsWith("v1.k2."));
        assertThrows(IllegalArgumentException.class, () -> SecretSealer.parse("k2:" + K2, null).open(old, OWNER));
    }

    @Test
    void refusesBadKeySpecifications() {
        for (String bad : new String[] {"", "k1", "k1:", "k1:not-base64!", "k1:" + Base64.getEncoder().encodeToString(new byte[16]),
                "k1:" + K1 + ",k1:" + K2, "bad id:" + K1}) {
            assertThrows(IllegalArgumentException.class, () -> SecretSealer.parse(bad, null), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> SecretSealer.parse("k1:" + K1, "k9"));
    }
}
