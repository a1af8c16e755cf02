package dev.kinga.keycloak.mfa.backup;


import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackupCodesTest {

    @Test
    void codesHaveSixtyBitsInAReadableAlphabet() {
        List<String> codes = BackupCodes.generate(new SecureRandom(), 1000);
        assertEquals(1000, new HashSet<>(codes).size());
        for (String code : codes) {
            assertTrue(code.matches("[0-9A-HJKMNP-TV-Z]{12}"), code);
        }
        // 60 bits = 12 independent positions of 32 symbols: across 1,000 codes every position shows all 32
        // (a position that misses one is about 1e-12 likely), so a narrower alphabet or a fixed position fails.
        for (int position = 0; position < 12; position++) {
            Set<Character> seen = new HashSet<>();
            for (String code : codes) {
                seen.add(code.charAt(position));
            }
            assertEquals(32, seen.size(), "symbols seen at position " + position);
        }
    }

    @Test
    void typingIsForgivingButStrictAboutWhatCanBeACode() {
        String code = "7K3M9QXR2PAB";
        assertEquals(code, BackupCodes.normalize("7k3m-9qxr-2pab"));
        assertEquals(code, BackupCodes.normalize(" 7K3M 9QXR 2PAB "));
        assertEquals("0K3M9QXR21AB", BackupCodes.normalize("oK3M9QXR2lAB"), "o reads as 0, l as 1");
        assertEquals("010000000000", BackupCodes.normalize("OI0000000000"), "O reads as 0, I as 1");
        assertNull(BackupCodes.normalize(""));
        assertNull(BackupCodes.normalize("7K3M9QXR2PA"));
        assertNull(BackupCodes.normalize("7K3M9QXR2PABC"));
        assertNull(BackupCodes.normalize("7K3M9QXR2PAU"), "U is not in the alphabet");
        assertNull(BackupCodes.normalize("٧K3M9QXR2PAB"), "no Unicode digits");
        assertNull(BackupCodes.normalize("x".repeat(10_000)));
        assertEquals("7K3M-9QXR-2PAB", BackupCodes.display(code));
    }

    @Test
    void hashesAreKeyedAndSalted() {
        byte[] key = new byte[32];
        byte[] salt1 = {1, 2, 3};
        byte[] salt2 = {1, 2, 4};
        String h = BackupCodes.hash(key, salt1, "7K3M9QXR2PAB");
        assertEquals(64, h.length());
        assertNotEquals(h, BackupCodes.hash(key, salt2, "7K3M9QXR2PAB"));
        byte[] otherKey = new byte[32];
        otherKey[0] = 1;
        assertNotEquals(h, BackupCodes.hash(otherKey, salt1, "7K3M9QXR2PAB"));
    }
}
