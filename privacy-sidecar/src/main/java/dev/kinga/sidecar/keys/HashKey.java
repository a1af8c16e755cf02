package dev.kinga.sidecar.keys;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;

/**
 * The service's HMAC key ({@code kinga.pii.hash-key}: any text of 32+ characters; a missing or
 * short key stops startup). It keys the {@code hash} and {@code pseudonym} operators directly and,
 * through {@link #derive}, the vault's lookup MACs and the audit trail's chain, so one leaked
 * derived key reveals nothing about another. It never encrypts: the vault's keys are separate
 * ({@link KeyEncryptionKeys}).
 */
@ApplicationScoped
public class HashKey {

    private final byte[] key;

    public HashKey(@ConfigProperty(name = "kinga.pii.hash-key") String key) {
        if (key.length() < 32) {
            throw new IllegalStateException("kinga.pii.hash-key must be at least 32 characters");
        }
        this.key = key.getBytes(StandardCharsets.UTF_8);
    }

    /** HMAC-SHA-256 of the value under the hash key, hex: stable for one key, useless without it. */
    public String hash(String value) {
        return HexFormat.of().formatHex(hmac(key, value));
    }

    /** A key of its own for one purpose (HMAC of the purpose's name), never equal to the hash key. */
    public byte[] derive(String purpose) {
        return hmac(key, "kinga-sidecar-derived-key\u0000" + purpose);
    }

    /** HMAC-SHA-256 of a UTF-8 value under a key. */
    public static byte[] hmac(byte[] key, String value) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(value.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA-256 unavailable", e);
        }
    }
}
