package dev.kinga.sidecar.keys;

import org.junit.jupiter.api.Test;

import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class HashKeyTest {

    private final HashKey key = new HashKey("unit-test-hash-key-0123456789-abcdef");

    @Test
    void hashingChosenTextNeverYieldsAnotherDerivedKey() {
        // The hash operator is open to callers with the permission; they must not be able to compute
        // the vault's lookup keys or the audit chain's key by hashing the derivation's input.
        for (String purpose : new String[]{"audit-chain", "vault-lookup\u0000research", "operators"}) {
            String derived = HexFormat.of().formatHex(key.derive(purpose));
            assertNotEquals(derived, key.hash("kinga-sidecar-derived-key\u0000" + purpose), purpose);
            assertNotEquals(derived, key.hash(purpose), purpose);
        }
        assertNotEquals(HexFormat.of().formatHex(key.derive("audit-chain")), HexFormat.of().formatHex(key.derive("operators")));
    }

    @Test
    void hashesAreStableForOneKeyAndDifferForAnother() {
        assertEquals(key.hash("amina@example.com"), new HashKey("unit-test-hash-key-0123456789-abcdef").hash("amina@example.com"));
        assertNotEquals(key.hash("amina@example.com"), new HashKey("another-test-hash-key-0123456789-abcdef").hash("amina@example.com"));
        assertThrows(IllegalStateException.class, () -> new HashKey("short"));
    }
}
