package dev.kinga.sidecar.connector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClientAssertionTest {

    @Test
    void anAssertionIsSignedByTheKeyAndNamesTheClientTheAudienceAndAFreshId(@TempDir Path dir) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair pair = generator.generateKeyPair();
        Path pem = dir.resolve("client-key.pem");
        Files.writeString(pem, "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pair.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
        ClientAssertion assertion = ClientAssertion.fromPemFile("kinga-sidecar", "k1", pem);
        Instant now = Instant.ofEpochSecond(1_800_000_000L);
        String jwt = assertion.sign("https://id.example/realms/kinga", now);

        String[] parts = jwt.split("\\.");
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initVerify(pair.getPublic());
        rsa.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertTrue(rsa.verify(Base64.getUrlDecoder().decode(parts[2])), "signed by the sidecar's key");
        ObjectMapper json = new ObjectMapper();
        JsonNode header = json.readTree(Base64.getUrlDecoder().decode(parts[0]));
        assertEquals("RS256", header.path("alg").asText());
        assertEquals("k1", header.path("kid").asText());
        JsonNode claims = json.readTree(Base64.getUrlDecoder().decode(parts[1]));
        assertEquals("kinga-sidecar", claims.path("iss").asText());
        assertEquals("kinga-sidecar", claims.path("sub").asText());
        assertEquals("https://id.example/realms/kinga", claims.path("aud").asText());
        assertEquals(now.getEpochSecond() + 60, claims.path("exp").asLong(), "valid for a minute");
        assertNotEquals(claims.path("jti").asText(), json.readTree(Base64.getUrlDecoder().decode(assertion.sign("a", now).split("\\.")[1]))
                .path("jti").asText(), "each assertion once (Keycloak refuses a reused jti)");
    }

    @Test
    void aFileThatIsNotAPrivateKeySaysSo(@TempDir Path dir) throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.pem"), "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n");
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> ClientAssertion.fromPemFile("c", "k", bad));
        assertTrue(refused.getMessage().contains("not an RSA private key"), refused.getMessage());
        assertThrows(IllegalStateException.class, () -> ClientAssertion.fromPemFile("c", "k", dir.resolve("missing.pem")));
    }
}
