package dev.kinga.keycloak.realmconfig;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kinga.keycloak.testing.KeycloakClient;
import dev.kinga.keycloak.testing.KeycloakExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.kinga.keycloak.testing.DemoUsers.PASSWORD;
import static dev.kinga.keycloak.testing.DemoUsers.REALM;
import static dev.kinga.keycloak.testing.DemoUsers.SPA_CLIENT;
import static dev.kinga.keycloak.testing.DemoUsers.SPA_REDIRECT;
import static dev.kinga.keycloak.testing.DemoUsers.USER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** realm-config/kinga-realm.json as a real Keycloak imported it. */
@ExtendWith(KeycloakExtension.class)
class RealmConfigIT {

    @Test
    void realmPoliciesAreImported(KeycloakClient kc) {
        JsonNode realm = kc.adminGet("/" + REALM);
        assertEquals("kinga", realm.path("loginTheme").asText());
        assertTrue(realm.path("internationalizationEnabled").asBoolean());
        assertEquals(Set.of("en", "sw"), texts(realm.path("supportedLocales")));
        String policy = realm.path("passwordPolicy").asText();
        for (String rule : new String[]{"length(12)", "upperCase(1)", "lowerCase(1)", "digits(1)", "specialChars(1)",
                "notUsername", "passwordHistory(5)"}) {
            assertTrue(policy.contains(rule), policy);
        }
        assertTrue(realm.path("bruteForceProtected").asBoolean());
        assertTrue(realm.path("revokeRefreshToken").asBoolean());
        assertEquals(0, realm.path("refreshTokenMaxReuse").asInt());
        assertTrue(realm.path("accessTokenLifespan").asInt() <= 300);
        assertTrue(realm.path("eventsEnabled").asBoolean());
        assertTrue(realm.path("adminEventsEnabled").asBoolean());
        assertTrue(realm.path("eventsExpiration").asLong() > 0);
        JsonNode smtp = realm.path("smtpServer");
        for (String field : List.of("host", "port", "from")) { // placeholders (KINGA_SMTP_HOST, ...) resolved at import
            assertFalse(smtp.path(field).asText().isBlank() || smtp.path(field).asText().contains("${"), smtp.toString());
        }
    }

    @Test
    void keycloaksStockTotpIsOffWhereKingaMfaRuns(KeycloakClient kc) {
        // Issue 29, finding 7: the stock action makes a TOTP credential whose secret is not sealed.
        JsonNode stock = kc.adminGet("/" + REALM + "/authentication/required-actions/CONFIGURE_TOTP");
        assertFalse(stock.path("enabled").asBoolean(), stock.toString());
        assertFalse(stock.path("defaultAction").asBoolean());
        JsonNode kinga = kc.adminGet("/" + REALM + "/authentication/required-actions/kinga-totp-enrol");
        assertTrue(kinga.path("enabled").asBoolean(), "Kinga's own enrolment stays: " + kinga);
        String master = kc.adminGet("/master/authentication/required-actions/CONFIGURE_TOTP").path("enabled").asText();
        assertEquals("true", master, "realms without Kinga MFA keep Keycloak's action");
    }

    @Test
    void passwordPolicyRejectsWeakPasswords(KeycloakClient kc) {
        String id = kc.adminGet("/" + REALM + "/users?username=" + USER + "&exact=true").get(0).path("id").asText();
        HttpResponse<String> weak = kc.admin("PUT", "/" + REALM + "/users/" + id + "/reset-password",
                Map.of("type", "password", "value", "short1!A", "temporary", false));
        assertEquals(400, weak.statusCode(), weak.body());
        HttpResponse<String> noSpecial = kc.admin("PUT", "/" + REALM + "/users/" + id + "/reset-password",
                Map.of("type", "password", "value", "LongEnoughButPlain123", "temporary", false));
        assertEquals(400, noSpecial.statusCode(), noSpecial.body());
    }

    @Test
    void clientsAreLockedDown(KeycloakClient kc) {
        JsonNode spa = client(kc, "kinga-spa");
        assertTrue(spa.path("publicClient").asBoolean());
        assertEquals("S256", spa.path("attributes").path("pkce.code.challenge.method").asText());
        assertFalse(spa.path("directAccessGrantsEnabled").asBoolean());
        assertFalse(spa.path("implicitFlowEnabled").asBoolean());

        JsonNode backend = client(kc, "kinga-backend");
        assertFalse(backend.path("publicClient").asBoolean());
        assertFalse(backend.path("directAccessGrantsEnabled").asBoolean());

        JsonNode cli = client(kc, "kinga-compliance-cli");
        assertTrue(cli.path("publicClient").asBoolean());
        assertEquals("true", cli.path("attributes").path("oauth2.device.authorization.grant.enabled").asText());
        assertFalse(cli.path("directAccessGrantsEnabled").asBoolean());
        assertFalse(cli.path("standardFlowEnabled").asBoolean());

        JsonNode sidecar = client(kc, "kinga-sidecar");
        assertTrue(sidecar.path("serviceAccountsEnabled").asBoolean());
        assertFalse(sidecar.path("standardFlowEnabled").asBoolean());
        assertFalse(sidecar.path("fullScopeAllowed").asBoolean());
        String accountId = kc.adminGet("/" + REALM + "/clients/" + sidecar.path("id").asText() + "/service-account-user")
                .path("id").asText();
        JsonNode mappings = kc.adminGet("/" + REALM + "/users/" + accountId + "/role-mappings");
        Set<String> management = new HashSet<>();
        mappings.path("clientMappings").path("realm-management").path("mappings")
                .forEach(r -> management.add(r.path("name").asText()));
        assertEquals(Set.of(), management, "issue 29: the sidecar's account holds no admin-API role, so its secret opens no account");
        Set<String> realmRoles = new HashSet<>();
        mappings.path("realmMappings").forEach(r -> realmRoles.add(r.path("name").asText()));
        realmRoles.remove("default-roles-kinga");
        assertEquals(Set.of("kinga-privacy-agent"), realmRoles, "only the privacy endpoint's own role");
    }

    @Test
    void loginPageUsesTheKingaThemeWithSecurityHeaders(KeycloakClient kc) {
        KeycloakClient.LoginPage page = kc.openLoginPage(REALM, SPA_CLIENT, SPA_REDIRECT, null);
        assertTrue(page.html().contains("/login/kinga/css/kinga.css"), "kinga stylesheet linked");
        assertTrue(page.html().contains("Sign in to Kinga"), page.html());
        var headers = page.response().headers();
        assertTrue(headers.firstValue("Content-Security-Policy").orElse("").contains("frame-ancestors 'self'"));
        assertTrue(headers.firstValue("Strict-Transport-Security").orElse("").contains("max-age=31536000"));
        assertEquals("SAMEORIGIN", headers.firstValue("X-Frame-Options").orElse(""));
        assertEquals("nosniff", headers.firstValue("X-Content-Type-Options").orElse(""));
        assertEquals("no-referrer", headers.firstValue("Referrer-Policy").orElse(""));

        String css = kc.send("GET", kc.baseUrl() + extractStylesheet(page.html()), null, null).body();
        assertTrue(css.contains("--kinga-green-700"), "theme stylesheet served from the theme jar");
    }

    @Test
    void loginPageSpeaksSwahili(KeycloakClient kc) {
        String html = kc.openLoginPage(REALM, SPA_CLIENT, SPA_REDIRECT, "sw").html();
        assertTrue(html.contains("Ingia kwenye Kinga"), html);
        assertTrue(html.contains("Nenosiri"), html);
    }

    @Test
    void demoUserLogsInThroughTheBrowserFlow(KeycloakClient kc) {
        JsonNode tokens = kc.browserLogin(REALM, SPA_CLIENT, SPA_REDIRECT, USER, PASSWORD);
        JsonNode claims = KeycloakClient.claims(tokens.path("access_token").asText());
        assertEquals(USER, claims.path("preferred_username").asText());
        assertTrue(claims.path("iss").asText().endsWith("/realms/kinga"));
        assertTrue(tokens.path("expires_in").asInt() <= 300);
    }

    @Test
    void wrongPasswordStaysOnTheLoginPage(KeycloakClient kc) {
        KeycloakClient.LoginPage page = kc.openLoginPage(REALM, SPA_CLIENT, SPA_REDIRECT, null);
        AssertionError refused = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class,
                () -> page.submit("amani", "not-the-password"));
        assertTrue(refused.getMessage().contains("status 200"), refused.getMessage());
        assertTrue(refused.getMessage().contains("Invalid username or password"), refused.getMessage());
    }

    private static String extractStylesheet(String html) {
        var m = java.util.regex.Pattern.compile("href=\"([^\"]*/login/kinga/css/kinga\\.css)\"").matcher(html);
        assertTrue(m.find(), "stylesheet link");
        return m.group(1);
    }

    private static JsonNode client(KeycloakClient kc, String clientId) {
        JsonNode found = kc.adminGet("/" + REALM + "/clients?clientId=" + clientId);
        assertEquals(1, found.size(), clientId);
        return found.get(0);
    }

    private static Set<String> texts(JsonNode array) {
        Set<String> values = new HashSet<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }
}
