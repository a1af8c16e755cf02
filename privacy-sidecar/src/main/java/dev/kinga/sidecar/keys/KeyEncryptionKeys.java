package dev.kinga.sidecar.keys;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The vault's key-encryption keys ({@code kinga.pii.vault-keys}: {@code id:base64} pairs of 32
 * bytes, comma-separated). The first wraps new data keys; every listed key unwraps, so a KEK is
 * rotated by putting a new one first and removing the old one once the background re-wrap has
 * moved every row (docs/pii.md). Everything here is AES-256-GCM with associated data that names
 * what is sealed, so a sealed value cannot be moved to another row or purpose and still open.
 */
@ApplicationScoped
public class KeyEncryptionKeys {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,32}");
    private static final int IV_BYTES = 12;

    private final Map<String, SecretKeySpec> keys = new LinkedHashMap<>();
    private final String activeId;

    public KeyEncryptionKeys(@ConfigProperty(name = "kinga.pii.vault-keys") String configured) {
        for (String entry : configured.split(",")) {
            String trimmed = entry.strip();
            if (trimmed.isEmpty()) {
                continue;
            }
            int colon = trimmed.indexOf(':');
            String id = colon < 0 ? "" : trimmed.substring(0, colon);
            if (!ID.matcher(id).matches()) {
                throw new IllegalStateException("kinga.pii.vault-keys: each key is id:base64 with an id of 1-32 letters, "
                        + "digits, '.', '_' or '-'");
            }
            byte[] key;
            try {
                key = Base64.getDecoder().decode(trimmed.substring(colon + 1).strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("kinga.pii.vault-keys: key " + id + " is not base64");
            }
            if (key.length != 32) {
                throw new IllegalStateException("kinga.pii.vault-keys: key " + id + " must be 32 bytes (base64 of 256 random bits)");
            }
            if (keys.putIfAbsent(id, new SecretKeySpec(key, "AES")) != null) {
                throw new IllegalStateException("kinga.pii.vault-keys: key id " + id + " appears twice");
            }
        }
        if (keys.isEmpty()) {
            throw new IllegalStateException("kinga.pii.vault-keys: at least one key is required");
        }
        this.activeId = keys.keySet().iterator().next();
    }

    /** The id of the key that wraps new data keys. */
    public String activeId() {
        return activeId;
    }

    public boolean has(String id) {
        return keys.containsKey(id);
    }

    /** A fresh random data key (256 bits). */
    public static byte[] newDataKey() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return key;
    }

    /** The data key sealed under the active KEK, bound to {@code boundTo} (the row it belongs to). */
    public String wrap(byte[] dataKey, String boundTo) {
        return Base64.getEncoder().encodeToString(seal(keys.get(activeId), dataKey, "kinga-dek\u0000" + activeId + "\u0000" + boundTo));
    }

    /** The data key back, if {@code kekId} is configured and the wrapped key was made for {@code boundTo}. */
    public Optional<byte[]> unwrap(String kekId, String wrapped, String boundTo) {
        SecretKeySpec kek = keys.get(kekId);
        return kek == null ? Optional.empty() : open(kek, Base64.getDecoder().decode(wrapped), "kinga-dek\u0000" + kekId + "\u0000" + boundTo);
    }

    /** A value sealed before envelope encryption (directly under a KEK, no associated data): whichever key opens it. */
    public Optional<byte[]> openLegacy(String sealed) {
        byte[] in = Base64.getDecoder().decode(sealed);
        for (SecretKeySpec kek : keys.values()) {
            Optional<byte[]> opened = open(kek, in, null);
            if (opened.isPresent()) {
                return opened;
            }
        }
        return Optional.empty();
    }

    /** AES-256-GCM: random 96-bit IV, then ciphertext and tag; {@code aad} binds the result to its place. */
    public static byte[] seal(SecretKeySpec key, byte[] plain, String aad) {
        try {
            byte[] iv = new byte[IV_BYTES];
            RANDOM.nextBytes(iv);
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
            if (aad != null) {
                gcm.updateAAD(aad.getBytes(StandardCharsets.UTF_8));
            }
            byte[] sealed = gcm.doFinal(plain);
            byte[] out = new byte[IV_BYTES + sealed.length];
            System.arraycopy(iv, 0, out, 0, IV_BYTES);
            System.arraycopy(sealed, 0, out, IV_BYTES, sealed.length);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    /** The plaintext, or empty when the key, the associated data or the bytes do not match. */
    public static Optional<byte[]> open(SecretKeySpec key, byte[] sealed, String aad) {
        if (sealed.length < IV_BYTES + 16) {
            return Optional.empty();
        }
        try {
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, sealed, 0, IV_BYTES));
            if (aad != null) {
                gcm.updateAAD(aad.getBytes(StandardCharsets.UTF_8));
            }
            return Optional.of(gcm.doFinal(sealed, IV_BYTES, sealed.length - IV_BYTES));
        } catch (AEADBadTagException e) {
            return Optional.empty();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }
}
