package dev.kinga.keycloak.audit;

import dev.kinga.keycloak.crypto.Hmac;
import dev.kinga.keycloak.crypto.NamedKeys;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;

/**
 * The keys that anchor the audit chain outside the database: HMAC-SHA-256 keys from the SPI
 * option {@code anchor-keys} ({@code <id>:<base64 of 32 bytes>,…}, the first one active), so
 * neither a database edit nor a realm admin (who can rotate realm keys) can produce an anchor.
 * Old ids stay listed after a rotation so earlier anchors still verify.
 */
final class AnchorKeys {

    private final Map<String, byte[]> keys;
    private final String active;

    private AnchorKeys(Map<String, byte[]> keys, String active) {
        this.keys = keys;
        this.active = active;
    }

    static AnchorKeys parse(String spec) {
        Map<String, byte[]> keys;
        try {
            keys = NamedKeys.parse(spec, "anchor key");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("kinga-audit: " + e.getMessage());
        }
        return new AnchorKeys(Map.copyOf(keys), keys.isEmpty() ? null : keys.keySet().iterator().next());
    }

    boolean configured() {
        return active != null;
    }

    String activeKeyId() {
        return active;
    }

    /** The MAC of one statement ("the chain of realm R had hash H at seq N") under the active key. */
    String mac(String purpose, String realmId, long seq, String hash) {
        return HexFormat.of().formatHex(Hmac.sha256(keys.get(active), statement(purpose, realmId, seq, hash)));
    }

    /** Whether {@code mac} proves the statement under key {@code keyId} (an unknown id never does). */
    boolean verify(String keyId, String mac, String purpose, String realmId, long seq, String hash) {
        byte[] key = keyId == null ? null : keys.get(keyId);
        if (key == null || mac == null) {
            return false;
        }
        byte[] expected = HexFormat.of().formatHex(Hmac.sha256(key, statement(purpose, realmId, seq, hash)))
                .getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, mac.getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] statement(String purpose, String realmId, long seq, String hash) {
        return ("kinga-audit-" + purpose + "\n" + realmId + "\n" + seq + "\n" + hash).getBytes(StandardCharsets.UTF_8);
    }
}
