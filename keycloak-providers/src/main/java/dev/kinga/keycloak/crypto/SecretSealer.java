package dev.kinga.keycloak.crypto;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Seals small secrets with AES-256-GCM. A sealed value names the key that sealed it
 * ({@code v1.<keyId>.<base64url(iv || ciphertext || tag)>}), so keys can rotate: new values are
 * sealed with the active key, old ones still open with theirs. The associated data binds a
 * sealed value to its owner (e.g. a user id), so it cannot be moved to another record.
 */
public final class SecretSealer {

    private static final String VERSION = "v1";
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final Map<String, SecretKeySpec> keys;
    private final String activeKeyId;
    private final SecureRandom random = new SecureRandom();

    private SecretSealer(Map<String, SecretKeySpec> keys, String activeKeyId) {
        this.keys = keys;
        this.activeKeyId = activeKeyId;
    }

    /**
     * Parses {@code id:base64,id:base64}: each key 32 bytes (base64 or base64url). The active key
     * is {@code activeKeyId}, or the first one listed when null.
     */
    public static SecretSealer parse(String spec, String activeKeyId) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("no sealing keys");
        }
        Map<String, SecretKeySpec> keys = new LinkedHashMap<>();
        NamedKeys.parse(spec, "sealing key").forEach((id, key) -> keys.put(id, new SecretKeySpec(key, "AES")));
        String active = activeKeyId == null || activeKeyId.isBlank() ? keys.keySet().iterator().next() : activeKeyId.trim();
        if (!keys.containsKey(active)) {
            throw new IllegalArgumentException("the active sealing key '" + active + "' is not among the keys");
        }
        return new SecretSealer(Map.copyOf(keys), active);
    }

    public String activeKeyId() {
        return activeKeyId;
    }

    public String seal(byte[] plaintext, byte[] associatedData) {
        byte[] iv = new byte[IV_BYTES];
        random.nextBytes(iv);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, keys.get(activeKeyId), new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(associatedData);
            byte[] sealed = cipher.doFinal(plaintext);
            byte[] out = new byte[IV_BYTES + sealed.length];
            System.arraycopy(iv, 0, out, 0, IV_BYTES);
            System.arraycopy(sealed, 0, out, IV_BYTES, sealed.length);
            return VERSION + "." + activeKeyId + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    /** Whether a sealed value was sealed with the active key (false: re-seal it when next opened). */
    public boolean sealedWithActiveKey(String sealed) {
        return sealed != null && sealed.startsWith(VERSION + "." + activeKeyId + ".");
    }

    /** Opens a sealed value; throws {@link IllegalArgumentException} if it is not authentic for this owner. */
    public byte[] open(String sealed, byte[] associatedData) {
        String[] parts = sealed == null ? new String[0] : sealed.split("\\.");
        if (parts.length != 3 || !VERSION.equals(parts[0])) {
            throw new IllegalArgumentException("not a sealed value");
        }
        SecretKeySpec key = keys.get(parts[1]);
        if (key == null) {
            throw new IllegalArgumentException("sealed with unknown key '" + parts[1] + "'");
        }
        try {
            byte[] in = Base64.getUrlDecoder().decode(parts[2]);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, IV_BYTES));
            cipher.updateAAD(associatedData);
            return cipher.doFinal(in, IV_BYTES, in.length - IV_BYTES);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("sealed value does not open");
        }
    }

    /** A key derived from the named sealing key for another purpose (HMAC-SHA-256 of the label). */
    public byte[] derive(String keyId, String label) {
        SecretKeySpec key = keys.get(keyId);
        if (key == null) {
            throw new IllegalArgumentException("unknown key '" + keyId + "'");
        }
        return Hmac.sha256(key.getEncoded(), label.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
