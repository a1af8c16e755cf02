package dev.kinga.keycloak.apikey;

import dev.kinga.keycloak.crypto.Hmac;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Keyed hash of a whole API key: HMAC-SHA-256 under the pepper (an SPI option or vault secret,
 * never in the database). A stolen table alone cannot be used to test guesses; the key's 256-bit
 * secret makes a slow hash unnecessary. Comparison is constant-time.
 */
public final class ApiKeyHasher {

    private final byte[] pepper;

    public ApiKeyHasher(byte[] pepper) {
        if (pepper.length < 32) {
            throw new IllegalArgumentException("the API key pepper must be at least 32 bytes");
        }
        this.pepper = pepper.clone();
    }

    public String hash(String key) {
        return HexFormat.of().formatHex(mac(key));
    }

    /** Constant-time: the time taken does not depend on where the hashes differ. */
    public boolean matches(String key, String storedHash) {
        byte[] expected;
        try {
            expected = HexFormat.of().parseHex(storedHash);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(mac(key), expected);
    }

    private byte[] mac(String key) {
        return Hmac.sha256(pepper, key.getBytes(StandardCharsets.US_ASCII));
    }
}
