package dev.kinga.sidecar.pii;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The service's two keys, from configuration ({@code kinga.pii.hash-key}: any text of 32+
 * characters; {@code kinga.pii.vault-key}: 32 bytes, base64). A missing or short key stops startup.
 */
@ApplicationScoped
public class Keys {

    private static final SecureRandom RANDOM = new SecureRandom();
    private final byte[] hashKey;
    private final SecretKeySpec vaultKey;

    public Keys(@ConfigProperty(name = "kinga.pii.hash-key") String hashKey,
                @ConfigProperty(name = "kinga.pii.vault-key") String vaultKey) {
        if (hashKey.length() < 32) {
            throw new IllegalStateException("kinga.pii.hash-key must be at least 32 characters");
        }
        byte[] vault;
        try {
            vault = Base64.getDecoder().decode(vaultKey.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("kinga.pii.vault-key must be base64");
        }
        if (vault.length != 32) {
            throw new IllegalStateException("kinga.pii.vault-key must be 32 bytes (base64 of 256 random bits)");
        }
        this.hashKey = hashKey.getBytes(StandardCharsets.UTF_8);
        this.vaultKey = new SecretKeySpec(vault, "AES");
    }

    /** HMAC-SHA-256 of the value under the hash key, hex: stable for one key, useless without it. */
    public String hash(String value) {
        return hmac(hashKey, value);
    }

    /** Lookup key of a value in the vault (HMAC under the vault key, per entity type). */
    String vaultMac(String type, String value) {
        return hmac(vaultKey.getEncoded(), type + "\u0000" + value);
    }

    String seal(String value) {
        try {
            byte[] iv = new byte[12];
            RANDOM.nextBytes(iv);
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.ENCRYPT_MODE, vaultKey, new GCMParameterSpec(128, iv));
            byte[] sealed = gcm.doFinal(value.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[iv.length + sealed.length];
            System.arraycopy(iv, 0, out, 0, iv.length);
            System.arraycopy(sealed, 0, out, iv.length, sealed.length);
            return Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    String open(String sealed) {
        try {
            byte[] in = Base64.getDecoder().decode(sealed);
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.DECRYPT_MODE, vaultKey, new GCMParameterSpec(128, in, 0, 12));
            return new String(gcm.doFinal(in, 12, in.length - 12), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("A vault entry does not open with the configured key", e);
        }
    }

    static String randomToken() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static String hmac(byte[] key, String value) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(value.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA-256 unavailable", e);
        }
    }
}
