package dev.kinga.keycloak.apikey;

import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ApiKeyFormatTest {

    private final ApiKeyFormat format = new ApiKeyFormat(new SecureRandom());

    @Test
    void generatedKeysParseAndAreDistinct() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 2_000; i++) {
            String key = format.generate();
            assertEquals(ApiKeyFormat.KEY_LENGTH, key.length());
            ApiKeyFormat.Result parsed = ApiKeyFormat.parse(key);
            assertTrue(parsed.ok(), key);
            assertEquals(key.substring(0, 18), parsed.parsed().prefix());
            assertTrue(ApiKeyFormat.isPrefix(parsed.parsed().prefix()));
            assertTrue(seen.add(key));
        }
    }

    @Test
    void rejectsEveryAlteredCharacterThroughTheChecksum() {
        String key = format.generate();
        for (int i = 6; i < key.length(); i++) {
            if (i == 18) {
                continue; // the separator
            }
            char c = key.charAt(i);
            String altered = key.substring(0, i) + (c == 'a' ? 'b' : 'a') + key.substring(i + 1);
            assertEquals(ApiKeyFormat.Malformed.CHECKSUM, ApiKeyFormat.parse(altered).malformed(), "position " + i);
        }
    }

    @Test
    void rejectsMalformedText() {
        String key = format.generate();
        assertEquals(ApiKeyFormat.Malformed.EMPTY, ApiKeyFormat.parse(null).malformed());
        assertEquals(ApiKeyFormat.Malformed.EMPTY, ApiKeyFormat.parse("").malformed());
        assertEquals(ApiKeyFormat.Malformed.LENGTH, ApiKeyFormat.parse(key.substring(1)).malformed());
        assertEquals(ApiKeyFormat.Malformed.LENGTH, ApiKeyFormat.parse(key + "x").malformed());
        assertEquals(ApiKeyFormat.Malformed.LENGTH, ApiKeyFormat.parse("k".repeat(10_240)).malformed());
        assertEquals(ApiKeyFormat.Malformed.ALPHABET, ApiKeyFormat.parse("kingo" + key.substring(5)).malformed());
        assertEquals(ApiKeyFormat.Malformed.ALPHABET, ApiKeyFormat.parse(key.substring(0, 30) + "é" + key.substring(31)).malformed());
        assertEquals(ApiKeyFormat.Malformed.ALPHABET, ApiKeyFormat.parse(key.substring(0, 30) + "٣" + key.substring(31)).malformed());
        assertEquals(ApiKeyFormat.Malformed.ALPHABET, ApiKeyFormat.parse(key.replace('_', '-')).malformed());
        assertFalse(ApiKeyFormat.isPrefix("kinga_short"));
    }

    @Test
    void hashesAreKeyedAndCompareInConstantTime() {
        String key = format.generate();
        ApiKeyHasher hasher = new ApiKeyHasher("a-pepper-of-at-least-32-bytes-long!".getBytes());
        ApiKeyHasher other = new ApiKeyHasher("another-pepper-of-at-least-32-bytes".getBytes());
        String hash = hasher.hash(key);
        assertEquals(64, hash.length());
        assertFalse(hash.contains(key.substring(19, 40)));
        assertTrue(hasher.matches(key, hash));
        assertFalse(other.matches(key, hash), "another pepper gives another hash");
        assertFalse(hasher.matches(format.generate(), hash));
        assertFalse(hasher.matches(key, "not-hex"));
    }
}
