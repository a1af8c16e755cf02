package dev.kinga.keycloak.apikey;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kinga.keycloak.testing.Chromium;
import dev.kinga.keycloak.testing.KeycloakClient;
import dev.kinga.keycloak.testing.KeycloakExtension;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import static dev.kinga.keycloak.testing.DemoUsers.PASSWORD;
import static dev.kinga.keycloak.testing.DemoUsers.REALM;
import static dev.kinga.keycloak.testing.DemoUsers.THERAPIST;
import static dev.kinga.keycloak.testing.KeycloakClient.expect;
import static dev.kinga.keycloak.testing.KeycloakClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The API key admin page: its files are served with strict headers, and the way it works (sign in
 * with the public console client and PKCE, then the admin API with the user's token) gives a
 * realm admin the keys and refuses a user without realm-management roles.
 */
@ExtendWith(KeycloakExtension.class)
class ApiKeyConsoleIT {

    static final String CONSOLE_CLIENT = "kinga-api-key-console";
    static final String PLATFORM_ADMIN = "baraka";

    @Test
    void pageAndItsFilesAreServedWithStrictHeaders(KeycloakClient kc) {
        String base = kc.baseUrl() + "/realms/" + REALM + "/kinga-api-keys/";
        HttpResponse<String> page = expect(kc.send("GET", base + "console", null, null), 200);
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"), page.headers().map().toString());
        assertTrue(page.body().contains("<script src=\"console.js\""));
        assertTrue(page.headers().firstValue("Content-Security-Policy").orElse("").contains("default-src 'self'"), page.headers().map().toString());
        assertTrue(page.headers().firstValue("Content-Security-Policy").orElse("").contains("frame-ancestors 'none'"));
        assertEquals("DENY", page.headers().firstValue("X-Frame-Options").orElse(""));
        assertEquals("no-referrer", page.headers().firstValue("Referrer-Policy").orElse(""), "the sign-in code never leaks in a Referer");
        HttpResponse<String> script = expect(kc.send("GET", base + "console.js", null, null), 200);
        assertTrue(script.headers().firstValue("Content-Type").orElse("").startsWith("text/javascript"));
        assertTrue(script.body().contains("'" + CONSOLE_CLIENT + "'"), "the page signs in with the console client");
        expect(kc.send("GET", base + "console.css", null, null), 200);
    }

    /** The second review's link: a sentence of the attacker's in error_description, shown as the page's own message. */
    static final String INJECTED = "Your API keys were revoked. Call +254 700 000000 or visit https://evil.example";

    @Test
    void thePageShowsOnlyItsOwnSentencesForErrorsInItsAddress(KeycloakClient kc) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Chromium.BINARY), "SKIPPED: Debian's Chromium is not installed at " + Chromium.BINARY);
        String page = kc.baseUrl() + "/realms/" + REALM + "/kinga-api-keys/console";
        String description = URLEncoder.encode(INJECTED, StandardCharsets.UTF_8);
        try (Chromium browser = Chromium.launch()) {
            browser.open(page + "?error=access_denied&error_description=" + description);
            browser.waitUntil("!document.getElementById('error').hidden", "the error shown");
            assertEquals("Sign-in was cancelled or refused. Sign in again to manage API keys.", browser.text("error"));
            assertFalse(browser.eval("document.body.innerText").asText().contains("+254"), "none of the address's text");

            browser.open(page + "?error=" + description + "&error_description=" + description);
            browser.waitUntil("!document.getElementById('error').hidden", "the error shown");
            assertEquals("Sign-in did not succeed. Reload the page to try again.", browser.text("error"), "an unknown code: the general sentence");
            browser.open(page + "?error=constructor");
            browser.waitUntil("!document.getElementById('error').hidden", "the error shown");
            assertEquals("Sign-in did not succeed. Reload the page to try again.", browser.text("error"), "not a property of every object");
        }
    }

    @Test
    void realmAdminSignedInThroughTheConsoleClientManagesKeys(KeycloakClient kc) {
        String redirect = kc.baseUrl() + "/realms/" + REALM + "/kinga-api-keys/console";
        String token = kc.browserLogin(REALM, CONSOLE_CLIENT, redirect, PLATFORM_ADMIN, PASSWORD).path("access_token").asText();
        String api = kc.baseUrl() + "/admin/realms/" + REALM + "/kinga-api-keys";

        JsonNode clients = json(expect(kc.send("GET", api + "/clients", null, token), 200));
        assertTrue(clients.toString().contains("\"kinga-reports-service\""), clients.toString());
        assertTrue(!clients.toString().contains("\"kinga-gateway\""), "only API key clients are offered");
        JsonNode scopes = json(expect(kc.send("GET", api + "/clients/kinga-reports-service/scopes", null, token), 200));
        assertTrue(scopes.path("scopes").toString().contains("kinga-api/metrics:read"), scopes.toString());

        JsonNode created = json(expect(kc.send("POST", api + "/clients/kinga-reports-service/keys", Map.of(
                "name", "from the page", "scopes", List.of("kinga-api/metrics:read"), "expiresInDays", 7), token), 201));
        String prefix = created.path("key").path("prefix").asText();
        assertEquals(PLATFORM_ADMIN, kc.adminGet("/" + REALM + "/users/" + created.path("key").path("createdBy").asText())
                .path("username").asText(), "the key records who created it");
        JsonNode export = kc.adminGet("/" + REALM + "/kinga-privacy/users/" + created.path("key").path("createdBy").asText() + "/export");
        assertTrue(export.path("apiKeysCreated").toString().contains("\"prefix\":\"" + prefix + "\""),
                "the creator's data export lists the key (never the key itself): " + export.path("apiKeysCreated"));
        String secret = created.path("apiKey").asText();
        assertTrue(secret.length() > 20, "the new key is shown once: " + created);
        assertFalse(export.toString().contains(secret), "no key in an export");
        expect(kc.send("POST", api + "/clients/kinga-reports-service/keys/" + prefix + "/revoke", null, token), 200);

        // A therapist signs in the same way but has no realm-management roles.
        String therapist = kc.browserLogin(REALM, CONSOLE_CLIENT, redirect, THERAPIST, PASSWORD).path("access_token").asText();
        assertEquals(403, kc.send("GET", api + "/clients", null, therapist).statusCode());
        assertEquals(403, kc.send("POST", api + "/clients/kinga-reports-service/keys", Map.of(
                "name", "x", "scopes", List.of("system"), "expiresInDays", 1), therapist).statusCode());
    }

    @Test
    void anAdminWhoseAccountIsDeletedIsForgottenInTheKeysTheyCreatedAndRevoked(KeycloakClient kc) {
        // Not through the privacy endpoint: an admin deletes the account in the admin console.
        String username = "keymaker-" + Long.toHexString(System.nanoTime());
        String userId = kc.createUser(REALM, username, PASSWORD);
        String realmManagement = kc.adminGet("/" + REALM + "/clients?clientId=realm-management").get(0).path("id").asText();
        JsonNode roles = KeycloakClient.JSON.createArrayNode()
                .add(kc.adminGet("/" + REALM + "/clients/" + realmManagement + "/roles/view-clients"))
                .add(kc.adminGet("/" + REALM + "/clients/" + realmManagement + "/roles/manage-clients"));
        expect(kc.admin("POST", "/" + REALM + "/users/" + userId + "/role-mappings/clients/" + realmManagement, roles), 204);
        String redirect = kc.baseUrl() + "/realms/" + REALM + "/kinga-api-keys/console";
        String token = kc.browserLogin(REALM, CONSOLE_CLIENT, redirect, username, PASSWORD).path("access_token").asText();
        String api = kc.baseUrl() + "/admin/realms/" + REALM + "/kinga-api-keys/clients/kinga-reports-service/keys";
        String prefix = json(expect(kc.send("POST", api, Map.of("name", "made by " + username,
                "scopes", List.of("kinga-api/metrics:read"), "expiresInDays", 7), token), 201)).path("key").path("prefix").asText();
        expect(kc.send("POST", api + "/" + prefix + "/revoke", null, token), 200);
        JsonNode before = keyWithPrefix(kc, prefix);
        assertEquals(userId, before.path("createdBy").asText(), before.toString());
        assertEquals(userId, before.path("revokedBy").asText(), before.toString());

        expect(kc.admin("DELETE", "/" + REALM + "/users/" + userId, null), 204);

        JsonNode after = keyWithPrefix(kc, prefix);
        assertFalse(after.toString().contains(userId), "the deleted account's id is gone from the key: " + after);
        assertEquals(prefix, after.path("prefix").asText(), "the key itself stays with its client");
    }

    private static JsonNode keyWithPrefix(KeycloakClient kc, String prefix) {
        return kc.adminGet("/" + REALM + "/kinga-api-keys/clients/kinga-reports-service/keys/" + prefix);
    }
}
