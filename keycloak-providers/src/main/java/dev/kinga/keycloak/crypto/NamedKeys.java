package dev.kinga.keycloak.crypto;

import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parses a list of named 256-bit keys as the SPI options write them: {@code id:base64,id:base64}
 * (base64 or base64url, 32 bytes each; ids of 1-32 letters, digits, {@code _} or {@code -}). The
 * order is kept: by convention the first key listed is the active one.
 */
public final class NamedKeys {

    private NamedKeys() {
    }

    /**
     * @param what how errors name a key ("sealing key", "anchor key")
     * @return the keys in the order listed (empty for a null or blank spec)
     * @throws IllegalArgumentException naming the first bad entry
     */
    public static Map<String, byte[]> parse(String spec, String what) {
        Map<String, byte[]> keys = new LinkedHashMap<>();
        if (spec == null || spec.isBlank()) {
            return keys;
        }
        for (String entry : spec.split(",")) {
            String trimmed = entry.trim();
            int colon = trimmed.indexOf(':');
            if (colon <= 0 || colon == trimmed.length() - 1) {
                throw new IllegalArgumentException("a " + what + " must be written <id>:<base64 of 32 bytes>");
            }
            String id = trimmed.substring(0, colon);
            if (!id.matches("[A-Za-z0-9_-]{1,32}")) {
                throw new IllegalArgumentException(what + " id '" + id + "' must be 1-32 letters, digits, _ or -");
            }
            byte[] key;
            try {
                String value = trimmed.substring(colon + 1);
                key = value.contains("-") || value.contains("_") ? Base64.getUrlDecoder().decode(value) : Base64.getDecoder().decode(value);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(what + " '" + id + "' is not base64");
            }
            if (key.length != 32) {
                throw new IllegalArgumentException(what + " '" + id + "' must be 32 bytes, got " + key.length);
            }
            if (keys.put(id, key) != null) {
                throw new IllegalArgumentException(what + " id '" + id + "' is listed twice");
            }
        }
        return Collections.unmodifiableMap(keys);
    }
}
