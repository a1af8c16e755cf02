package dev.kinga.keycloak.emailchange;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.kinga.keycloak.testing.Await;
import dev.kinga.keycloak.testing.KeycloakClient;
import dev.kinga.keycloak.testing.KeycloakExtension;
import dev.kinga.keycloak.testing.KeycloakServer;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.kinga.keycloak.testing.DemoUsers.PASSWORD;
import static dev.kinga.keycloak.testing.DemoUsers.REALM;
import static dev.kinga.keycloak.testing.DemoUsers.SPA_CLIENT;
import static dev.kinga.keycloak.testing.DemoUsers.SPA_REDIRECT;
import static dev.kinga.keycloak.testing.KeycloakClient.expect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 29, finding 6: an account's e-mail address is where its password resets go. A bare access
 * token does not change it (Account REST), the change asks for a recent sign-in first, and the
 * previous address is told, in the person's language.
 */
@ExtendWith(KeycloakExtension.class)
class EmailChangeIT {

    private static GreenMail mail;

    @BeforeAll
    static void mailSink(KeycloakClient kc) {
        mail = new GreenMail(new ServerSetup(KeycloakServer.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        mail.start();
        expect(kc.admin("PUT", "/" + REALM, Map.of("smtpServer", Map.of("host", "127.0.0.1",
                "port", Integer.toString(mail.getSmtp().getPort()), "from", "kinga@it.kinga.invalid",
                "auth", "false", "ssl", "false", "starttls", "false"))), 204);
    }

    @AfterAll
    static void stopMail() {
        mail.stop();
    }

    @Test
    void aBareAccessTokenCannotChangeTheAddressThroughTheAccountApi(KeycloakClient kc) {
        String username = "it-mail-" + UUID.randomUUID().toString().substring(0, 8);
        String userId = kc.createUser(REALM, username, PASSWORD);
        String token = kc.openLoginPage(REALM, SPA_CLIENT, SPA_REDIRECT, null).submitCredentials(username, PASSWORD)
                .tokens().path("access_token").asText();

        HttpResponse<String> changed = kc.send("POST", kc.baseUrl() + "/realms/" + REALM + "/account", Map.of(
                "username", username, "email", "attacker-" + username + "@evil.invalid", "firstName", "It", "lastName", "User"),
                token, Map.of("Accept", "application/json"));
        assertEquals(400, changed.statusCode(), changed.body());
        assertEquals(username + "@it.kinga.invalid", kc.adminGet("/" + REALM + "/users/" + userId).path("email").asText(),
                "the address is as it was");
    }

    @Test
    void theChangeAsksForARecentSignInAndTellsThePreviousAddress(KeycloakClient kc) throws Exception {
        String username = "it-mail-" + UUID.randomUUID().toString().substring(0, 8);
        String userId = kc.createUser(REALM, username, PASSWORD);
        String previous = username + "@it.kinga.invalid";
        String updated = "new-" + username + "@example.org";
        expect(kc.admin("PUT", "/" + REALM + "/users/" + userId, Map.of("email", previous, "firstName", "It", "lastName", "User",
                "attributes", Map.of("locale", List.of("sw")))), 204);
        JsonNode action = kc.adminGet("/" + REALM + "/authentication/required-actions/UPDATE_EMAIL");
        assertTrue(action.path("enabled").asBoolean(), "Kinga keeps Keycloak's update-email action on: " + action);
        // The action's maximum sign-in age, made short so the test need not wait Keycloak's 5 minutes.
        expect(kc.admin("PUT", "/" + REALM + "/authentication/required-actions/UPDATE_EMAIL/config",
                Map.of("config", Map.of("max_auth_age", "1"))), 204);
        try {
            KeycloakClient.Page signedIn = kc.openLoginPage(REALM, SPA_CLIENT, SPA_REDIRECT, null).submitCredentials(username, PASSWORD);
            signedIn.tokens();
            Thread.sleep(2_500);

            KeycloakClient.Page asked = signedIn.newLogin(true, Map.of("kc_action", "UPDATE_EMAIL")).page();
            assertTrue(asked.has("kc-form-login"), "a sign-in older than the action allows signs in again first:\n" + asked.html());
            assertFalse(asked.has("kc-update-email-form"));
            KeycloakClient.Page form = asked.post("kc-form-login", Map.of("username", username, "password", PASSWORD, "credentialId", ""));
            assertTrue(form.has("kc-update-email-form"), form.html());
            form.post("kc-update-email-form", Map.of("email", updated)).tokens();

            assertEquals(updated, kc.adminGet("/" + REALM + "/users/" + userId).path("email").asText());
            MimeMessage notice = awaitMailTo(previous);
            assertEquals("Anwani ya barua pepe ya akaunti yako imebadilishwa", notice.getSubject(), "in the person's language");
            String body = text(notice.getContent());
            assertTrue(body.contains("n•••@example.org"), "names the new address only in part: " + body);
            assertFalse(body.contains(updated), body);
        } finally {
            expect(kc.admin("DELETE", "/" + REALM + "/authentication/required-actions/UPDATE_EMAIL/config", null), 204);
        }
    }

    @Test
    void anAdminWhoSwitchesTheGuardOffOrLengthensItsAgeFindsItSetRightAtOnce(KeycloakClient kc) {
        String action = "/" + REALM + "/authentication/required-actions/UPDATE_EMAIL";
        try {
            JsonNode model = kc.adminGet(action);
            java.util.Map<String, Object> off = new java.util.HashMap<>(Map.of("alias", "UPDATE_EMAIL", "providerId", "UPDATE_EMAIL",
                    "name", model.path("name").asText(), "enabled", false, "defaultAction", false, "priority", model.path("priority").asInt()));
            expect(kc.admin("PUT", action, off), 204);
            Await.until(() -> kc.adminGet(action).path("enabled").asBoolean(), "the update-email action is on again");

            expect(kc.admin("PUT", action + "/config", Map.of("config", Map.of("max_auth_age", "86400"))), 204);
            Await.until(() -> "300".equals(kc.adminGet(action + "/config").at("/config/max_auth_age").asText()),
                    "the action's maximum sign-in age is back at 5 minutes");
        } finally {
            kc.admin("DELETE", action + "/config", null);
        }
    }

    private static String text(Object content) throws Exception {
        if (content instanceof Multipart multipart) {
            StringBuilder all = new StringBuilder();
            for (int i = 0; i < multipart.getCount(); i++) {
                all.append(text(multipart.getBodyPart(i).getContent())).append('\n');
            }
            return all.toString();
        }
        return String.valueOf(content);
    }

    private static MimeMessage awaitMailTo(String address) throws Exception {
        for (int i = 0; i < 100; i++) {
            for (MimeMessage message : mail.getReceivedMessages()) {
                if (Arrays.stream(message.getAllRecipients()).anyMatch(a -> a.toString().contains(address))) {
                    return message;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no mail to " + address);
    }
}
