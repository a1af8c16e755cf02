package dev.kinga.keycloak.mfa;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kinga.keycloak.testing.KeycloakClient;
import dev.kinga.keycloak.testing.KeycloakExtension;
import dev.kinga.keycloak.testing.KeycloakServer;
import dev.kinga.keycloak.testing.MfaAutomation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.kinga.keycloak.testing.DemoUsers.PASSWORD;
import static dev.kinga.keycloak.testing.DemoUsers.REALM;
import static dev.kinga.keycloak.testing.DemoUsers.SPA_CLIENT;
import static dev.kinga.keycloak.testing.DemoUsers.SPA_REDIRECT;
import static dev.kinga.keycloak.testing.KeycloakClient.expect;
import static dev.kinga.keycloak.testing.KeycloakClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Kinga MFA through the real login pages of realm kinga (flow "kinga browser"), over HTTP. */
@ExtendWith(KeycloakExtension.class)
class MfaIT {

    /** A user who has enrolled: the secret from the enrolment page, its backup codes, and the step the enrolment used. */
    record Enrolled(String username, String userId, MfaAutomation.Enrolment totp, List<String> backupCodes, long enrolledAt,
                    KeycloakClient.Page lastPage) {
    }

    @Test
    void enrolThenLogInWithTotpRefusingReplaysThenWithBackupCodesOnceEach(KeycloakClient kc) {
        Enrolled user = enrol(kc, optInUser(kc));
        assertEquals(10, user.backupCodes().size());

        // The code that proved the enrolment cannot log in: its time step is used.
        KeycloakClient.Page page = password(kc, user);
        assertTrue(page.has("kinga-totp-form"), page.html());
        String enrolmentCode = user.totp().code(user.enrolledAt());
        KeycloakClient.Page replay = page.post("kinga-totp-form", Map.of("mode", "totp", "otp", enrolmentCode));
        assertFormError(replay, "kinga-totp-form", "That code is not right or was already used");

        String next = user.totp().codeAfter(user.enrolledAt());
        JsonNode tokens = replay.post("kinga-totp-form", Map.of("mode", "totp", "otp", next)).tokens();
        assertNotNull(tokens.path("access_token").asText(null));

        KeycloakClient.Page again = password(kc, user).post("kinga-totp-form", Map.of("mode", "totp", "otp", next));
        assertFormError(again, "kinga-totp-form", "already used");

        // Backup codes: any order, each once.
        String code = user.backupCodes().get(7);
        KeycloakClient.Page backup = again.post("kinga-totp-form", Map.of("mode", "totp", "use_backup_code", ""));
        assertTrue(backup.has("kinga-backup-code-form"));
        assertTrue(backup.html().contains("you have 10 left"), backup.html());
        backup.post("kinga-backup-code-form", Map.of("mode", "backup", "backup_code", code.toLowerCase())).tokens();

        KeycloakClient.Page reused = password(kc, user).post("kinga-totp-form", Map.of("mode", "totp", "use_backup_code", ""))
                .post("kinga-backup-code-form", Map.of("mode", "backup", "backup_code", code));
        assertFormError(reused, "kinga-backup-code-form", "already used");
        reused.post("kinga-backup-code-form", Map.of("mode", "backup", "backup_code", user.backupCodes().get(2))).tokens();

        JsonNode credentials = kc.adminGet("/" + REALM + "/users/" + user.userId() + "/credentials");
        assertTrue(credentials.toString().contains("8 of 10 left"), credentials.toString());

        JsonNode events = kc.adminGet("/" + REALM + "/events?user=" + user.userId() + "&max=100");
        assertTrue(hasEvent(events, "UPDATE_CREDENTIAL", "kinga-totp", "enrolled"), events.toString());
        assertTrue(hasEvent(events, "UPDATE_CREDENTIAL", "kinga-backup-codes", "generated"));
        assertTrue(hasEvent(events, "UPDATE_CREDENTIAL", "kinga-backup-codes", "code_used"));
        assertTrue(events.toString().contains("\"reason\":\"replayed\""), "the replay is an event with its reason: " + events);
        assertFalse(events.toString().contains(code), "no backup code in any event");
    }

    @Test
    void trustedDeviceSkipsMfaUntilRevokedInTheAccountConsoleOrByAPasswordReset(KeycloakClient kc) {
        Enrolled user = enrol(kc, optInUser(kc));
        KeycloakClient.Page page = password(kc, user);
        assertTrue(page.html().contains("Trust this device for 30 days"), page.html());
        JsonNode tokens = page.post("kinga-totp-form", Map.of("mode", "totp", "use_backup_code", ""))
                .post("kinga-backup-code-form", Map.of("mode", "backup", "backup_code", user.backupCodes().get(0), "trust_device", "on"))
                .tokens();
        KeycloakClient.Page trusted = trustedLogin(kc, user, page);
        assertEquals(302, trusted.status(), "a trusted device skips the second factor");

        // The account console lists the device and the user removes it there.
        String userToken = tokens.path("access_token").asText();
        JsonNode types = json(expect(kc.send("GET", kc.baseUrl() + "/realms/" + REALM + "/account/credentials", null, userToken,
                Map.of("Accept", "application/json")), 200));
        JsonNode devices = credentialsOfType(types, "kinga-trusted-device");
        assertEquals(1, devices.size(), types.toString());
        assertTrue(devices.get(0).path("userLabel").asText().contains(" on "), devices.toString());
        assertTrue(credentialsOfType(types, "kinga-totp").size() == 1 && credentialsOfType(types, "kinga-backup-codes").size() == 1);
        expect(kc.send("DELETE", kc.baseUrl() + "/realms/" + REALM + "/account/credentials/" + devices.get(0).path("id").asText(),
                null, userToken, Map.of("Accept", "application/json")), 204);
        assertTrue(trustedLogin(kc, user, page).has("kinga-totp-form"), "after revocation MFA is asked again");

        // Trust again; an admin's password reset revokes every trusted device.
        KeycloakClient.Page second = password(kc, user);
        second.post("kinga-totp-form", Map.of("mode", "totp", "use_backup_code", ""))
                .post("kinga-backup-code-form", Map.of("mode", "backup", "backup_code", user.backupCodes().get(1), "trust_device", "on"))
                .tokens();
        assertEquals(302, trustedLogin(kc, user, second).status());
        String newPassword = "Kinga-Reset-2026!x";
        expect(kc.admin("PUT", "/" + REALM + "/users/" + user.userId() + "/reset-password",
                Map.of("type", "password", "value", newPassword, "temporary", false)), 204);
        KeycloakClient.Page afterReset = second.newLogin(false).submitCredentials(user.username(), newPassword);
        assertTrue(afterReset.has("kinga-totp-form"), "a password reset revokes trusted devices");

        JsonNode events = kc.adminGet("/" + REALM + "/events?user=" + user.userId() + "&max=100");
        assertTrue(hasEvent(events, "UPDATE_CREDENTIAL", "kinga-trusted-device", "trusted"), events.toString());
        assertTrue(events.toString().contains("admin_reset_password"), "the revocation is an event with its reason");
    }

    @Test
    void aSecondBrowserOfTheSameKindIsTrustedUnderItsOwnName(KeycloakClient kc) {
        // Issue 29, finding 5: the same device name on the same day failed the login with a duplicate-label 400.
        Enrolled user = enrol(kc, optInUser(kc));
        JsonNode tokens = null;
        for (int browser = 0; browser < 2; browser++) {
            KeycloakClient.Page page = password(kc, user);
            tokens = page.post("kinga-totp-form", Map.of("mode", "totp", "use_backup_code", ""))
                    .post("kinga-backup-code-form", Map.of("mode", "backup", "backup_code", user.backupCodes().get(browser),
                            "trust_device", "on"))
                    .tokens();
            assertEquals(302, trustedLogin(kc, user, page).status(), "browser " + browser + " is trusted");
        }
        JsonNode types = json(expect(kc.send("GET", kc.baseUrl() + "/realms/" + REALM + "/account/credentials", null,
                tokens.path("access_token").asText(), Map.of("Accept", "application/json")), 200));
        JsonNode devices = credentialsOfType(types, "kinga-trusted-device");
        assertEquals(2, devices.size(), types.toString());
        String first = devices.get(0).path("userLabel").asText();
        String second = devices.get(1).path("userLabel").asText();
        assertTrue(!first.equals(second) && (first.endsWith(" (2)") || second.endsWith(" (2)")), first + " / " + second);
    }

    /**
     * A trusted-device sign-in must not pass for MFA at a service that needs it (the privacy
     * sidecar's detokenization): its tokens carry no amr "mfa"; a client that asks for
     * acr_values=kinga-mfa gets the code form despite the trusted device, and then "mfa". The
     * compliance CLI's sign-in flow always asks for password and code, even inside an SSO session.
     */
    @Test
    void trustedDeviceSignInsDoNotClaimMfaAndAStepUpAsksForACode(KeycloakClient kc) {
        String spa = kc.adminGet("/" + REALM + "/clients?clientId=" + SPA_CLIENT).get(0).path("id").asText();
        expect(kc.admin("POST", "/" + REALM + "/clients/" + spa + "/protocol-mappers/models", Map.of("name", "it kinga mfa amr",
                "protocol", "openid-connect", "protocolMapper", "kinga-mfa-amr", "config", Map.of("access.token.claim", "true"))), 201);
        try {
            Enrolled user = enrol(kc, optInUser(kc));
            KeycloakClient.Page page = password(kc, user);
            JsonNode withCode = page.post("kinga-totp-form", Map.of("mode", "totp", "use_backup_code", ""))
                    .post("kinga-backup-code-form", Map.of("mode", "backup", "backup_code", user.backupCodes().get(0), "trust_device", "on"))
                    .tokens();
            assertTrue(amr(withCode).contains("mfa"), "a code was checked: " + amr(withCode));

            KeycloakClient.Page trusted = trustedLogin(kc, user, page);
            assertEquals(302, trusted.status());
            String skipped = amr(trusted.tokens());
            assertFalse(skipped.contains("mfa"), "a trusted-device skip is not MFA: " + skipped);

            KeycloakClient.Page stepUp = page.newLogin(false, Map.of("acr_values", "kinga-mfa")).submitCredentials(user.username(), PASSWORD);
            assertTrue(stepUp.has("kinga-totp-form"), "acr_values=kinga-mfa asks for a code on a trusted device:\n" + stepUp.html());
            JsonNode steppedUp = stepUp.post("kinga-totp-form", Map.of("mode", "totp", "use_backup_code", ""))
                    .post("kinga-backup-code-form", Map.of("mode", "backup", "backup_code", user.backupCodes().get(1))).tokens();
            assertTrue(amr(steppedUp).contains("mfa"), amr(steppedUp));

            // The compliance CLI: in this browser (SSO session and trusted device), still password and a code, now.
            MfaAutomation.remember(user.username(), user.backupCodes().subList(2, user.backupCodes().size()));
            long before = System.currentTimeMillis() / 1000;
            JsonNode cli = KeycloakClient.claims(kc.deviceLogin(REALM, "kinga-compliance-cli", user.username(), PASSWORD,
                    page, Map.of()).path("access_token").asText());
            assertTrue(cli.path("amr").toString().contains("mfa"), cli.toString());
            assertTrue(cli.path("auth_time").asLong() >= before, "a fresh sign-in, not the SSO session's: " + cli);
            assertTrue(cli.path("aud").toString().contains("kinga-sidecar"), cli.toString());
        } finally {
            JsonNode mappers = kc.adminGet("/" + REALM + "/clients/" + spa + "/protocol-mappers/models");
            for (JsonNode m : mappers) {
                if (m.path("name").asText().equals("it kinga mfa amr")) {
                    expect(kc.admin("DELETE", "/" + REALM + "/clients/" + spa + "/protocol-mappers/models/" + m.path("id").asText(), null), 204);
                }
            }
        }
    }

    private static String amr(JsonNode tokens) {
        return KeycloakClient.claims(tokens.path("access_token").asText()).path("amr").toString();
    }

    @Test
    void aBurstOfFailedLoginsMakesATrustedDevicePassMfaAgain(KeycloakClient kc) throws InterruptedException {
        Enrolled user = enrol(kc, optInUser(kc));
        KeycloakClient.Page page = password(kc, user);
        page.post("kinga-totp-form", Map.of("mode", "totp", "use_backup_code", ""))
                .post("kinga-backup-code-form", Map.of("mode", "backup", "backup_code", user.backupCodes().get(0), "trust_device", "on"))
                .tokens();
        for (int i = 0; i < 3; i++) {
            Thread.sleep(1_100); // slower than the realm's quick-login check, which would lock the account outright
            KeycloakClient.Page wrong = page.newLogin(false).submitCredentials(user.username(), "Wrong-Password-" + i + "!");
            assertTrue(wrong.has("kc-form-login"), "wrong password stays on the login page");
        }
        Thread.sleep(1_100);
        KeycloakClient.Page stepUp = trustedLogin(kc, user, page);
        assertTrue(stepUp.has("kinga-totp-form"), "step-up despite the trusted device:\n" + stepUp.status() + stepUp.html());
    }

    @Test
    void aUserWhoseRoleRequiresMfaMustEnrolAndCannotSkipIt(KeycloakClient kc) {
        String username = newUser(kc, "therapist");
        KeycloakClient.Page page = kc.openLoginPage(REALM, SPA_CLIENT, SPA_REDIRECT, null).submitCredentials(username, PASSWORD);
        assertTrue(page.has("kinga-totp-enrol-form"), page.html());
        assertFalse(page.has("kinga-totp-enrol-cancel"), "no cancel outside the account console");
        KeycloakClient.Page skipped = page.post("kinga-totp-enrol-form", Map.of("otp", "", "cancel-aia", "true"));
        assertTrue(skipped.has("kinga-totp-enrol-form"), "still on enrolment");
        assertEquals(200, skipped.status());
        // Starting the login again in the same browser shows a page again, never a redirect to the app.
        KeycloakClient.LoginPage elsewhere = skipped.newLogin(true);
        assertEquals(200, elsewhere.response().statusCode());

        // Enrolled: the trusted-device option is not offered to this role.
        MfaAutomation.Enrolment totp = MfaAutomation.enrolment(skipped.html());
        KeycloakClient.Page codes = skipped.post("kinga-totp-enrol-form", Map.of("otp", totp.currentCode()));
        codes.post("kinga-backup-codes-form", Map.of("stored", "")).tokens();
        KeycloakClient.Page mfa = kc.openLoginPage(REALM, SPA_CLIENT, SPA_REDIRECT, null).submitCredentials(username, PASSWORD);
        assertTrue(mfa.has("kinga-totp-form"));
        assertFalse(mfa.html().contains("trust_device"), "enforced roles always pass MFA");
    }

    @Test
    void directGrantCannotBypassMfa(KeycloakClient kc) {
        Enrolled user = enrol(kc, optInUser(kc));
        HttpResponse<String> refused = passwordGrant(kc, user.username(), null);
        assertEquals(401, refused.statusCode(), refused.body());
        assertEquals("invalid_grant", json(refused).path("error").asText());
        assertEquals(401, passwordGrant(kc, user.username(), "000000").statusCode());
        String next = user.totp().codeAfter(user.enrolledAt());
        assertEquals(200, passwordGrant(kc, user.username(), next).statusCode(), "with a valid code the grant works");

        assertEquals(401, passwordGrant(kc, newUser(kc, "privacy-officer"), null).statusCode(), "enforced roles cannot skip enrolment this way");
        assertEquals(200, passwordGrant(kc, newUser(kc, null), null).statusCode(), "users without MFA are unaffected");
    }

    @Test
    void badCodesGiveTheFormsErrorNeverAServerError(KeycloakClient kc) {
        Enrolled user = enrol(kc, optInUser(kc));
        KeycloakClient.Page page = password(kc, user);
        for (String bad : List.of("", "   ", "1234567890123456789012345678901234567890", "abcdef", "١٢٣٤٥٦", "12345", "1234567",
                "123 456", "x".repeat(5000))) {
            page = page.post("kinga-totp-form", Map.of("mode", "totp", "otp", bad));
            assertEquals(200, page.status(), "input " + bad.length() + " chars");
            assertTrue(page.has("kinga-totp-form"));
            assertTrue(page.html().contains("Enter the code.") || page.html().contains("That code is not right"), page.html());
        }
        KeycloakClient.Page backup = page.post("kinga-totp-form", Map.of("mode", "totp", "use_backup_code", ""));
        for (String bad : List.of("", "ABCD", "٣٣٣٣-٣٣٣٣-٣٣٣٣", "y".repeat(10_000), "AAAA-AAAA-AAAU")) {
            backup = backup.post("kinga-backup-code-form", Map.of("mode", "backup", "backup_code", bad));
            assertEquals(200, backup.status());
            assertTrue(backup.has("kinga-backup-code-form"));
            assertFalse(backup.html().contains("Exception"), backup.html());
        }
    }

    @Test
    void noTotpSecretOrBackupCodeIsStoredInPlaintext(KeycloakClient kc, KeycloakServer server) throws Exception {
        Enrolled user = enrol(kc, optInUser(kc));
        String base32 = org.keycloak.models.utils.Base32.encode(user.totp().secret());
        String hex = HexFormat.of().formatHex(user.totp().secret());
        String b64 = java.util.Base64.getEncoder().encodeToString(user.totp().secret());
        int rows = 0;
        try (Connection db = server.openDatabase();
             PreparedStatement query = db.prepareStatement("select TYPE, SECRET_DATA, CREDENTIAL_DATA, USER_LABEL from CREDENTIAL where USER_ID = ?")) {
            query.setString(1, user.userId());
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    rows++;
                    String all = rs.getString(2) + rs.getString(3) + rs.getString(4);
                    for (String secret : List.of(base32, base32.toLowerCase(), hex, b64)) {
                        assertFalse(all.contains(secret), rs.getString(1) + " holds the TOTP secret");
                    }
                    for (String code : user.backupCodes()) {
                        assertFalse(all.contains(code) || all.contains(code.replace("-", "")), rs.getString(1) + " holds a backup code");
                    }
                    if ("kinga-totp".equals(rs.getString(1))) {
                        assertTrue(rs.getString(2).contains("\"sealed\":\"v1."), "the secret is sealed: " + rs.getString(2));
                    }
                }
            }
        }
        assertEquals(3, rows, "password, kinga-totp and kinga-backup-codes");
    }

    // --- helpers ------------------------------------------------------------------------------

    /** A user without MFA-enforcing roles, asked by an admin to set up TOTP (as the account console's "Set up" would). */
    static String optInUser(KeycloakClient kc) {
        String username = newUser(kc, null);
        String id = kc.adminGet("/" + REALM + "/users?exact=true&username=" + username).get(0).path("id").asText();
        expect(kc.admin("PUT", "/" + REALM + "/users/" + id, Map.of("requiredActions", List.of("kinga-totp-enrol"))), 204);
        return username;
    }

    static String newUser(KeycloakClient kc, String realmRole) {
        String username = "mfa-" + UUID.randomUUID().toString().substring(0, 8);
        String id = kc.createUser(REALM, username, PASSWORD);
        if (realmRole != null) {
            JsonNode role = kc.adminGet("/" + REALM + "/roles/" + realmRole);
            expect(kc.admin("POST", "/" + REALM + "/users/" + id + "/role-mappings/realm", List.of(role)), 204);
        }
        return username;
    }

    /** Logs in, enrols TOTP from the page's key and keeps the backup codes shown after it. */
    static Enrolled enrol(KeycloakClient kc, String username) {
        KeycloakClient.Page page = kc.openLoginPage(REALM, SPA_CLIENT, SPA_REDIRECT, null).submitCredentials(username, PASSWORD);
        assertTrue(page.has("kinga-totp-enrol-form"), page.html());
        assertTrue(page.has("kinga-totp-qr") && page.html().contains("otpauth://totp/"), "QR code and otpauth URI");
        MfaAutomation.Enrolment totp = MfaAutomation.enrolment(page.html());
        long at = System.currentTimeMillis() / 1000;
        KeycloakClient.Page codes = page.post("kinga-totp-enrol-form", Map.of("otp", totp.code(at), "userLabel", "phone"));
        assertTrue(codes.has("kinga-backup-codes-form"), codes.html());
        assertTrue(codes.has("kinga-backup-codes-download"));
        List<String> backup = MfaAutomation.backupCodes(codes.html());
        KeycloakClient.Page done = codes.post("kinga-backup-codes-form", Map.of("stored", ""));
        done.tokens();
        String id = kc.adminGet("/" + REALM + "/users?exact=true&username=" + username).get(0).path("id").asText();
        return new Enrolled(username, id, totp, backup, at, done);
    }

    static KeycloakClient.Page password(KeycloakClient kc, Enrolled user) {
        return kc.openLoginPage(REALM, SPA_CLIENT, SPA_REDIRECT, null).submitCredentials(user.username(), PASSWORD);
    }

    /** A new login in the browser of {@code page}, without its SSO session but with its trusted-device cookie. */
    static KeycloakClient.Page trustedLogin(KeycloakClient kc, Enrolled user, KeycloakClient.Page page) {
        assertNotNull(page.cookie("KINGA_TRUSTED_DEVICE"), "the browser holds the trusted-device cookie");
        return page.newLogin(false).submitCredentials(user.username(), PASSWORD);
    }

    static HttpResponse<String> passwordGrant(KeycloakClient kc, String username, String otp) {
        return kc.passwordGrant(REALM, username, PASSWORD, otp);
    }

    static void assertFormError(KeycloakClient.Page page, String formId, String message) {
        assertEquals(200, page.status());
        assertTrue(page.has(formId), page.html());
        assertTrue(page.html().contains(message), "expected '" + message + "' in\n" + page.html());
    }

    static JsonNode credentialsOfType(JsonNode types, String type) {
        for (JsonNode t : types) {
            if (type.equals(t.path("type").asText())) {
                return t.path("userCredentialMetadatas").isArray()
                        ? mapCredentials(t.path("userCredentialMetadatas")) : KeycloakClient.JSON.createArrayNode();
            }
        }
        return KeycloakClient.JSON.createArrayNode();
    }

    private static JsonNode mapCredentials(JsonNode metadatas) {
        var out = KeycloakClient.JSON.createArrayNode();
        metadatas.forEach(m -> out.add(m.path("credential")));
        return out;
    }

    static boolean hasEvent(JsonNode events, String type, String credentialType, String action) {
        for (JsonNode e : events) {
            if (type.equals(e.path("type").asText()) && credentialType.equals(e.path("details").path("credential_type").asText())
                    && action.equals(e.path("details").path("action").asText())) {
                return true;
            }
        }
        return false;
    }
}
