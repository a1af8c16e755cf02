package dev.kinga.keycloak.sidecar;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kinga.keycloak.testing.KeycloakClient;
import dev.kinga.keycloak.testing.KeycloakExtension;
import dev.kinga.keycloak.testing.KeycloakServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.kinga.keycloak.testing.DemoUsers.PASSWORD;
import static dev.kinga.keycloak.testing.DemoUsers.PRIVACY_OFFICER;
import static dev.kinga.keycloak.testing.DemoUsers.REALM;
import static dev.kinga.keycloak.testing.DemoUsers.SPA_CLIENT;
import static dev.kinga.keycloak.testing.DemoUsers.SPA_REDIRECT;
import static dev.kinga.keycloak.testing.DemoUsers.THERAPIST;
import static dev.kinga.keycloak.testing.DemoUsers.USER;
import static dev.kinga.keycloak.testing.KeycloakClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The built privacy sidecar (its production jar, a separate process) trusting the real
 * Keycloak's realm kinga: real tokens from the real login page decide what each demo user may do.
 */
@ExtendWith(KeycloakExtension.class)
class SidecarWithKeycloakIT {

    private static Process sidecar;
    private static String sidecarUrl;

    @BeforeAll
    static void startSidecar(KeycloakServer keycloak) throws Exception {
        Path app = Path.of(KeycloakServer.required("kinga.it.sidecar.app"));
        assertTrue(Files.isRegularFile(app), "build the sidecar first (mvn verify builds it): " + app);
        Path work = Files.createDirectories(Path.of(KeycloakServer.required("kinga.it.work")).resolve("sidecar"));
        int port = KeycloakServer.freePort();
        sidecarUrl = "http://localhost:" + port;
        ProcessBuilder builder = new ProcessBuilder("java", "-jar", app.toString())
                .directory(work.toFile()).redirectErrorStream(true).redirectOutput(work.resolve("sidecar.log").toFile());
        Map<String, String> env = builder.environment();
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        env.put("KINGA_KEYCLOAK_URL", keycloak.baseUrl());
        env.put("KINGA_PII_HASH_KEY", "it-hash-key-0123456789-0123456789-abcdef");
        env.put("KINGA_PII_VAULT_KEY", "aXQtdmF1bHQta2V5LTAxMjM0NTY3ODktMDEyMzQ1Njc=");
        String pgUrl = System.getProperty("kinga.it.sidecar.db.url", "");
        if (keycloak.database().postgres() && !pgUrl.isBlank()) {
            env.put("KINGA_SIDECAR_DB_URL", pgUrl);
            env.put("KINGA_SIDECAR_DB_USERNAME", keycloak.database().username());
            env.put("KINGA_SIDECAR_DB_PASSWORD", keycloak.database().password());
        } else {
            env.put("KINGA_SIDECAR_DB_URL", "jdbc:h2:file:" + work.resolve("db/sidecar") + ";DB_CLOSE_ON_EXIT=FALSE");
        }
        sidecar = builder.start();
        KeycloakClient http = new KeycloakClient(sidecarUrl);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (true) {
            try {
                if (http.send("GET", sidecarUrl + "/q/health/ready", null, null).statusCode() == 200) {
                    break;
                }
            } catch (RuntimeException notYet) {
                // not listening yet
            }
            if (!sidecar.isAlive() || Instant.now().isAfter(deadline)) {
                throw new AssertionError("sidecar did not start: " + Files.readString(work.resolve("sidecar.log")));
            }
            Thread.sleep(300);
        }
    }

    @AfterAll
    static void stopSidecar() throws InterruptedException {
        if (sidecar != null) {
            sidecar.destroy();
            if (!sidecar.waitFor(20, TimeUnit.SECONDS)) {
                sidecar.destroyForcibly();
            }
        }
    }

    @Test
    void rolesFromTheRealmDecideWhoMayDoWhat(KeycloakClient kc) {
        String detect = sidecarUrl + "/api/v1/pii/detect";
        String body = "{\"text\":\"Dr. Amina Odhiambo, call +254 712 345 678\"}";

        HttpResponse<String> officer = kc.send("POST", detect, body, token(kc, PRIVACY_OFFICER));
        assertEquals(200, officer.statusCode(), officer.body());
        assertEquals("[\"PERSON\",\"PHONE\"]", types(json(officer)));

        assertEquals(403, kc.send("POST", detect, body, token(kc, THERAPIST)).statusCode());
        assertEquals(403, kc.send("POST", detect, body, token(kc, USER)).statusCode());
        assertEquals(401, kc.send("POST", detect, body, null).statusCode());
        HttpResponse<String> foreign = kc.send("POST", detect, body, kc.adminToken());
        assertEquals(401, foreign.statusCode(), "a master-realm token is not a kinga token");
        assertEquals("unauthorized", json(foreign).path("error").asText());
    }

    @Test
    void thePrivacyOfficerTokenizesAndReverses(KeycloakClient kc) {
        String officer = token(kc, PRIVACY_OFFICER);
        HttpResponse<String> anonymized = kc.send("POST", sidecarUrl + "/api/v1/pii/anonymize",
                Map.of("text", "amina@example.com", "operators", Map.of("EMAIL", Map.of("type", "tokenize"))), officer);
        assertEquals(200, anonymized.statusCode(), anonymized.body());
        String token = json(anonymized).path("text").asText();
        assertTrue(token.startsWith("tok_email_"), token);

        HttpResponse<String> back = kc.send("POST", sidecarUrl + "/api/v1/pii/detokenize",
                Map.of("tokens", List.of(token)), officer);
        assertEquals(200, back.statusCode(), back.body());
        assertEquals("amina@example.com", json(back).path("values").path(token).asText());
    }

    private static String token(KeycloakClient kc, String username) {
        return kc.browserLogin(REALM, SPA_CLIENT, SPA_REDIRECT, username, PASSWORD).path("access_token").asText();
    }

    private static String types(JsonNode detected) {
        StringBuilder s = new StringBuilder("[");
        detected.path("entities").forEach(e -> s.append(s.length() > 1 ? "," : "").append('"').append(e.path("type").asText()).append('"'));
        return s.append(']').toString();
    }
}
