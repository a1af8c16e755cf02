package dev.kinga.sidecar.vault;

import dev.kinga.sidecar.keys.KeyEncryptionKeys;
import dev.kinga.sidecar.security.TestTokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import org.junit.jupiter.api.Test;

import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * KEK rotation without downtime: with k2 put first and k1 kept, entries wrapped by k1 (and one
 * from before envelope encryption) stay readable, new ones are wrapped by k2, and the re-wrap job
 * moves the old ones to k2 without changing a single value.
 */
@QuarkusTest
@QuarkusTestResource(TestTokens.class)
@TestProfile(KekRotationTest.Rotated.class)
class KekRotationTest {

    static final String K1 = "dGVzdC12YXVsdC1rZXktbm90LXNlY3JldC0wMTIzNDU=";
    static final String K2 = "c2Vjb25kLXRlc3Qta2V5LW5vdC1zZWNyZXQtMDEyMzQ=";

    public static class Rotated implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("kinga.pii.vault-keys", "k2:" + K2 + ",k1:" + K1);
        }
    }

    @Inject
    EntityManager em;

    @Inject
    Rewrapper rewrapper;

    /** An entry as the sidecar wrote it while k1 was the active KEK. */
    private String writtenUnderK1(String value) {
        KeyEncryptionKeys k1Only = new KeyEncryptionKeys("k1:" + K1);
        VaultEntry e = new VaultEntry();
        e.token = "tok_email_" + Long.toHexString(System.nanoTime()) + "00000000";
        e.entityType = "EMAIL";
        e.scheme = "random";
        e.createdAt = Instant.now();
        byte[] dek = KeyEncryptionKeys.newDataKey();
        e.ciphertext = Base64.getEncoder().encodeToString(KeyEncryptionKeys.seal(new SecretKeySpec(dek, "AES"),
                value.getBytes(StandardCharsets.UTF_8), e.binding()));
        e.kekId = "k1";
        e.wrappedKey = k1Only.wrap(dek, e.token);
        QuarkusTransaction.requiringNew().run(() -> em.persist(e));
        return e.token;
    }

    /** An entry from before envelope encryption: sealed directly under the single vault key, no data key. */
    private String writtenBeforeEnvelopes(String value) {
        VaultEntry e = new VaultEntry();
        e.token = "tok_email_legacy" + Long.toHexString(System.nanoTime());
        e.entityType = "EMAIL";
        e.scheme = "deterministic";
        e.kekId = VaultEntry.LEGACY_KEK; // as migration V2 marks them
        e.valueMac = "0".repeat(64);
        e.createdAt = Instant.now();
        e.ciphertext = Base64.getEncoder().encodeToString(KeyEncryptionKeys.seal(
                new SecretKeySpec(Base64.getDecoder().decode(K1), "AES"), value.getBytes(StandardCharsets.UTF_8), null));
        QuarkusTransaction.requiringNew().run(() -> em.persist(e));
        return e.token;
    }

    private VaultEntry row(String token) {
        return VaultTest.row(em, token);
    }

    @Test
    void oldEntriesStayReadableAndAreRewrappedUnderTheNewKek() {
        String old = writtenUnderK1("old@example.com");
        String legacy = writtenBeforeEnvelopes("legacy@example.com");
        String fresh = VaultTest.tokenize("new@example.com", Map.of("type", "tokenize"));
        assertEquals("k2", row(fresh).kekId, "new writes use the new KEK");

        Response before = VaultTest.detokenize(List.of(old, legacy, fresh));
        assertEquals(200, before.statusCode(), before.asString());
        assertEquals("old@example.com", before.jsonPath().getString("values." + old));
        assertEquals("legacy@example.com", before.jsonPath().getString("values." + legacy));
        assertEquals("new@example.com", before.jsonPath().getString("values." + fresh));

        String oldCiphertext = row(old).ciphertext;
        assertEquals(2, rewrapper.rewrapAll());
        assertEquals(0, rewrapper.remaining());
        assertEquals("k2", row(old).kekId);
        assertEquals(oldCiphertext, row(old).ciphertext, "re-wrapping touches the data key only");
        assertEquals("k2", row(legacy).kekId);
        assertEquals(null, row(legacy).valueMac, "the V1 lookup MAC (under the old vault key) is dropped");

        Response after = VaultTest.detokenize(List.of(old, legacy, fresh));
        assertEquals("old@example.com", after.jsonPath().getString("values." + old));
        assertEquals("legacy@example.com", after.jsonPath().getString("values." + legacy));
        assertEquals(0, rewrapper.rewrapAll(), "nothing left to move");

        // With k1 gone, the moved entries still open: nothing depends on it any more.
        KeyEncryptionKeys k2Only = new KeyEncryptionKeys("k2:" + K2);
        VaultEntry moved = row(old);
        assertEquals(true, k2Only.unwrap(moved.kekId, moved.wrappedKey, moved.token).isPresent());
    }

    @Test
    void badKeyConfigurationStopsStartup() {
        for (String bad : List.of("", "k1", "k1:not-base64!", "k1:" + Base64.getEncoder().encodeToString(new byte[16]),
                "k1:" + K1 + ",k1:" + K2, "bad id:" + K1)) {
            assertThrows(IllegalStateException.class, () -> new KeyEncryptionKeys(bad), bad);
        }
    }
}
