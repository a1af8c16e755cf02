package dev.kinga.keycloak.audit;

import dev.kinga.keycloak.crypto.Hmac;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
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
        Map<String, byte[]> keys = new LinkedHashMap<>();
        if (spec != null) {
            for (String entry : spec.split(",")) {
                String trimmed = entry.strip();
                if (trimmed.isEmpty()) {
                    continue;
                }
                int colon = trimmed.indexOf(':');
                if (colon < 1 || !trimmed.substring(0, colon).matches("[A-Za-z0-9_-]{1,32}")) {
                    throw new IllegalArgumentException("kinga-audit: an anchor key must be written <id>:<base64 of 32 bytes>");
                }
                byte[] key;
                try {
                    key = Base64.getDecoder().decode(trimmed.substring(colon + 1));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("kinga-audit: anchor key '" + trimmed.substring(0, colon) + "' is not base64");
                }
                if (key.length != 32) {
                    throw new IllegalArgumentException("kinga-audit: anchor key '" + trimmed.substring(0, colon) + "' must be 32 bytes");
                }
                if (keys.put(trimmed.substring(0, colon), key) != null) {
                    throw new IllegalArgumentException("kinga-audit: anchor key '" + trimmed.substring(0, colon) + "' is listed twice");
                }
            }
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
