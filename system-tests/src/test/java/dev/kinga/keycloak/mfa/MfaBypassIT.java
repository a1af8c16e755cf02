package dev.kinga.keycloak.mfa;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.kinga.keycloak.testing.KeycloakClient;
import dev.kinga.keycloak.testing.KeycloakExtension;
import dev.kinga.keycloak.testing.KeycloakServer;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.kinga.keycloak.mfa.MfaIT.Enrolled;
import static dev.kinga.keycloak.mfa.MfaIT.credentialsOfType;
import static dev.kinga.keycloak.mfa.MfaIT.enrol;
import static dev.kinga.keycloak.mfa.MfaIT.newUser;
import static dev.kinga.keycloak.mfa.MfaIT.optInUser;
import static dev.kinga.keycloak.mfa.MfaIT.password;
import static dev.kinga.keycloak.mfa.MfaIT.passwordGrant;
import static dev.kinga.keycloak.testing.DemoUsers.PASSWORD;
import static dev.kinga.keycloak.testing.DemoUsers.REALM;
import static dev.kinga.keycloak.testing.DemoUsers.SPA_CLIENT;
import static dev.kinga.keycloak.testing.DemoUsers.SPA_REDIRECT;
import static dev.kinga.keycloak.testing.KeycloakClient.expect;
import static dev.kinga.keycloak.testing.KeycloakClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every way around Kinga MFA that the security review found, tried on the real Keycloak: wrong
 * codes that were never counted, forgot-password, the Account REST removal of factors, a
 * disabled enrolment step, identity-provider logins, and realm hygiene (admin-cli, expired
 * trusted devices). Each test fails on the code before its fix.
 */
@ExtendWith(KeycloakExtension.class)
class MfaBypassIT {

    /** realm-config's failureFactor for realm kinga. */
    private static final int FAILURE_FACTOR = 5;

    // --- 1. wrong codes count toward brute-force protection ---------------------------------

    @Test
    void wrongCodesInTheDirectGrantLockTheUserAndThenTheRightCodeIsRefusedUntilTheLockoutEnds(KeycloakClient kc) {
        Enrolled user = enrol(kc, optInUser(kc));
        String right = user.totp().codeAfter(user.enrolledAt());
        for (int i = 1; i <= FAILURE_FACTOR; i++) {
            slowerThanTheQuickLoginCheck();
            assertEquals(401, passwordGrant(kc, user.username(), wrong(right)).statusCode());
            JsonNode state = awaitFailures(kc, user.userId(), i);
            assertEquals(i == FAILURE_FACTOR, state.path("disabled").asBoolean(), "locked out exactly at failureFactor: " + state);
        }
        HttpResponse<String> refused = passwordGrant(kc, user.username(), user.totp().codeAfter(user.enrolledAt()));
        assertNotEquals(200, refused.statusCode(), "the right code is refused while locked out");
        assertEquals("invalid_grant", json(refused).path("error").asText(), refused.body());

        expect(kc.admin("DELETE", "/" + REALM + "/attack-detection/brute-force/users/" + user.userId(), null), 204);
        assertEquals(200, passwordGrant(kc, user.username(), user.totp().codeAfter(user.enrolledAt())).statusCode(),
                "after the lockout the right code works");
    }

    @Test
    void wrongCodesInTheBrowserLockTheUserAndTheRightCodeOnTheSameFormIsThenRefused(KeycloakClient kc) {
        Enrolled user = enrol(kc, optInUser(kc));
        String right = user.totp().codeAfter(user.enrolledAt());
        KeycloakClient.Page page = password(kc, user);
        for (int i = 1; i < FAILURE_FACTOR; i++) {
            slowerThanTheQuickLoginCheck();
            page = page.post("kinga-totp-form", Map.of("mode", "totp", "otp", wrong(right)));
            assertTrue(page.has("kinga-totp-form"));
            assertFalse(awaitFailures(kc, user.userId(), i).path("disabled").asBoolean(), "not yet locked after " + i);
        }
        slowerThanTheQuickLoginCheck();
        KeycloakClient.Page backup = page.post("kinga-totp-form", Map.of("mode", "totp", "use_backup_code", ""))
                .post("kinga-backup-code-form", Map.of("mode", "backup", "backup_code", "AAAA-AAAA-AAAA"));
        JsonNode state = awaitFailures(kc, user.userId(), FAILURE_FACTOR);
        assertTrue(state.path("disabled").asBoolean(), "wrong TOTP codes and a wrong backup code lock the user: " + state);

        KeycloakClient.Page refused = backup.post("kinga-backup-code-form", Map.of("mode", "backup", "use_totp", ""))
                .post("kinga-totp-form", Map.of("mode", "totp", "otp", user.totp().codeAfter(user.enrolledAt())));
        assertEquals(200, refused.status(), "no login while locked out");
        assertTrue(refused.has("kinga-totp-form"), refused.html());
        JsonNode events = kc.adminGet("/" + REALM + "/events?user=" + user.userId() + "&type=LOGIN_ERROR&max=50");
        assertTrue(events.toString().contains("user_temporarily_disabled"), events.toString());

        expect(kc.admin("DELETE", "/" + REALM + "/attack-detection/brute-force/users/" + user.userId(), null), 204);
        password(kc, user).post("kinga-totp-form", Map.of("mode", "totp", "otp", user.totp().codeAfter(user.enrolledAt()))).tokens();
    }

    // --- 2. forgot password passes Kinga MFA before the new password takes effect -----------

    @Test
    void forgotPasswordAsksForTheSecondFactorBeforeTheNewPasswordAndBeforeAnySession(KeycloakClient kc) throws Exception {
        GreenMail mail = new GreenMail(new ServerSetup(KeycloakServer.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        mail.start();
        try {
            JsonNode realm = kc.adminGet("/" + REALM);
            expect(kc.admin("PUT", "/" + REALM, Map.of("smtpServer", Map.of("host", "127.0.0.1",
                    "port", Integer.toString(mail.getSmtp().getPort()), "from", "kinga@it.kinga.invalid",
                    "auth", "false", "ssl", "false", "starttls", "false"))), 204);
            assertEquals("kinga reset credentials", realm.path("resetCredentialsFlow").asText(), "realm-config binds Kinga's reset flow");

            Enrolled user = enrol(kc, optInUser(kc));
            KeycloakClient.Page login = kc.openLoginPage(REALM, SPA_CLIENT, SPA_REDIRECT, null).page();
            KeycloakClient.Page forgot = login.open(login.link("reset-credentials"));
            assertTrue(forgot.has("kc-reset-password-form"), forgot.html());
            forgot.post("kc-reset-password-form", Map.of("username", user.username()));

            String link = resetLink(mail, user.username() + "@it.kinga.invalid");
            KeycloakClient.Page afterLink = login.open(link);
            assertTrue(afterLink.has("kinga-totp-form"), "the mailbox alone is not enough:\n" + afterLink.html());
            assertFalse(afterLink.has("kc-passwd-update-form"));
            assertFalse(afterLink.html().contains("trust_device"), "no trusted-device option in a reset");

            String right = user.totp().codeAfter(user.enrolledAt());
            KeycloakClient.Page wrong = afterLink.post("kinga-totp-form", Map.of("mode", "totp", "otp", wrong(right)));
            assertTrue(wrong.has("kinga-totp-form") && !wrong.has("kc-passwd-update-form"), wrong.html());
            KeycloakClient.Page update = wrong.post("kinga-totp-form", Map.of("mode", "totp", "otp", right));
            assertTrue(update.has("kc-passwd-update-form"), update.html());
            String newPassword = "Kinga-Reset-" + UUID.randomUUID().toString().substring(0, 6) + "!9";
            update.post("kc-passwd-update-form", Map.of("password-new", newPassword, "password-confirm", newPassword)).tokens();

            // The new password works, with MFA as before.
            KeycloakClient.Page next = kc.openLoginPage(REALM, SPA_CLIENT, SPA_REDIRECT, null).submitCredentials(user.username(), newPassword);
            assertTrue(next.has("kinga-totp-form"), next.html());
        } finally {
            mail.stop();
        }
    }

    // --- 3. removing a second factor needs a fresh MFA; enforced users keep one -------------

    @Test
    void anAccessTokenCannotRemoveFactorsButTheAccountConsoleActionCanAfterReauthentication(KeycloakClient kc) {
        Enrolled user = enrol(kc, optInUser(kc));
        KeycloakClient.Page page = password(kc, user);
        String token = page.post("kinga-totp-form", Map.of("mode", "totp", "use_backup_code", ""))
                .post("kinga-backup-code-form", Map.of("mode", "backup", "backup_code", user.backupCodes().get(0)))
                .tokens().path("access_token").asText();
        String account = kc.baseUrl() + "/realms/" + REALM + "/account/credentials";
        JsonNode types = json(expect(kc.send("GET", account, null, token, Map.of("Accept", "application/json")), 200));
        String totpId = credentialsOfType(types, "kinga-totp").get(0).path("id").asText();
        String codesId = credentialsOfType(types, "kinga-backup-codes").get(0).path("id").asText();

        for (String id : List.of(totpId, codesId)) {
            HttpResponse<String> refused = kc.send("DELETE", account + "/" + id, null, token, Map.of("Accept", "application/json"));
            assertEquals(400, refused.statusCode(), refused.body());
        }
        JsonNode stored = kc.adminGet("/" + REALM + "/users/" + user.userId() + "/credentials");
        assertTrue(stored.toString().contains(totpId) && stored.toString().contains(codesId), "both factors are still there");

        // The account console's "Delete": Keycloak's delete_credential action, here with a fresh login (prompt=login) that passes MFA.
        String action = kc.baseUrl() + "/realms/" + REALM + "/protocol/openid-connect/auth?client_id=" + SPA_CLIENT
                + "&response_type=code&scope=openid&prompt=login&code_challenge_method=S256"
                + "&code_challenge=" + "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
                + "&redirect_uri=" + URLEncoder.encode(SPA_REDIRECT, StandardCharsets.UTF_8)
                + "&kc_action=delete_credential:" + totpId;
        KeycloakClient.Page reauth = page.open(action);
        assertTrue(reauth.has("kc-form-login"), "re-authentication first:\n" + reauth.html());
        KeycloakClient.Page mfa = reauth.post("kc-form-login", Map.of("username", user.username(), "password", PASSWORD, "credentialId", ""));
        assertTrue(mfa.has("kinga-totp-form"), "the second factor again, trusted device or not:\n" + mfa.html());
        KeycloakClient.Page confirm = mfa.post("kinga-totp-form", Map.of("mode", "totp", "use_backup_code", ""))
                .post("kinga-backup-code-form", Map.of("mode", "backup", "backup_code", user.backupCodes().get(1)));
        assertTrue(confirm.html().contains("kc-accept"), confirm.html());
        KeycloakClient.Page done = confirm.postFirstForm(Map.of("accept", ""));
        assertEquals(302, done.status(), done.html());
        assertFalse(kc.adminGet("/" + REALM + "/users/" + user.userId() + "/credentials").toString().contains(totpId),
                "removed through the action");
    }

    @Test
    void aUserWhoseRoleRequiresMfaCannotRemoveTheLastFactor(KeycloakClient kc) {
        String username = newUser(kc, "therapist");
        Enrolled user = enrolEnforced(kc, username);
        JsonNode credentials = kc.adminGet("/" + REALM + "/users/" + user.userId() + "/credentials");
        for (JsonNode c : credentials) {
            if ("kinga-backup-codes".equals(c.path("type").asText())) {
                expect(kc.admin("DELETE", "/" + REALM + "/users/" + user.userId() + "/credentials/" + c.path("id").asText(), null), 204);
            }
        }
        KeycloakClient.Page page = password(kc, user);
        String token = page.post("kinga-totp-form", Map.of("mode", "totp", "otp", user.totp().codeAfter(user.enrolledAt())))
                .tokens().path("access_token").asText();
        JsonNode types = json(expect(kc.send("GET", kc.baseUrl() + "/realms/" + REALM + "/account/credentials", null, token,
                Map.of("Accept", "application/json")), 200));
        for (JsonNode type : types) {
            if ("kinga-totp".equals(type.path("type").asText())) {
                assertFalse(type.path("removeable").asBoolean(true), "the console offers no Delete for the last factor: " + type);
            }
        }
        String totpId = credentialsOfType(types, "kinga-totp").get(0).path("id").asText();
        String action = kc.baseUrl() + "/realms/" + REALM + "/protocol/openid-connect/auth?client_id=" + SPA_CLIENT
                + "&response_type=code&scope=openid&code_challenge_method=S256"
                + "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
                + "&redirect_uri=" + URLEncoder.encode(SPA_REDIRECT, StandardCharsets.UTF_8)
                + "&kc_action=delete_credential:" + totpId;
        KeycloakClient.Page attempt = page.open(action);
        if (attempt.html().contains("kc-accept")) {
            attempt.postFirstForm(Map.of("accept", ""));
        }
        assertTrue(kc.adminGet("/" + REALM + "/users/" + user.userId() + "/credentials").toString().contains(totpId),
                "the last factor stays");
    }

    @Test
    void aSessionThatSkippedMfaOnATrustedDeviceCannotEnrolOrRegenerateFactors(KeycloakClient kc) {
        Enrolled user = enrol(kc, optInUser(kc));
        KeycloakClient.Page page = password(kc, user);
        page.post("kinga-totp-form", Map.of("mode", "totp", "use_backup_code", ""))
                .post("kinga-backup-code-form", Map.of("mode", "backup", "backup_code", user.backupCodes().get(0), "trust_device", "on"))
                .tokens();
        KeycloakClient.Page trusted = MfaIT.trustedLogin(kc, user, page);
        assertEquals(302, trusted.status(), "signed in on the trusted device without a code");
        String before = kc.adminGet("/" + REALM + "/users/" + user.userId() + "/credentials").toString();
        for (String action : List.of("kinga-totp-enrol", "kinga-backup-codes")) {
            KeycloakClient.Page attempt = trusted.open(kc.baseUrl() + "/realms/" + REALM + "/protocol/openid-connect/auth?client_id="
                    + SPA_CLIENT + "&response_type=code&scope=openid&code_challenge_method=S256"
                    + "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
                    + "&redirect_uri=" + URLEncoder.encode(SPA_REDIRECT, StandardCharsets.UTF_8) + "&kc_action=" + action);
            assertFalse(attempt.has("kinga-totp-enrol-form") || attempt.has("kinga-backup-codes-form"), action + ":\n" + attempt.html());
            assertTrue(attempt.location().startsWith(SPA_REDIRECT) && attempt.location().contains("error=access_denied"),
                    action + " ends with an error to the app: " + attempt.status() + " " + attempt.location());
        }
        String after = kc.adminGet("/" + REALM + "/users/" + user.userId() + "/credentials").toString();
        assertEquals(before.replaceAll("\"lastUsed[^,}]*", ""), after.replaceAll("\"lastUsed[^,}]*", ""), "no factor added or replaced");
        JsonNode events = kc.adminGet("/" + REALM + "/events?user=" + user.userId() + "&max=50");
        assertTrue(events.toString().contains("fresh_mfa_required"), events.toString());
    }

    @Test
    void aRealmAdministratorByClientRoleMustEnrol(KeycloakClient kc) {
        String username = newUser(kc, null);
        String id = kc.adminGet("/" + REALM + "/users?exact=true&username=" + username).get(0).path("id").asText();
        String management = kc.adminGet("/" + REALM + "/clients?clientId=realm-management").get(0).path("id").asText();
        JsonNode manageUsers = kc.adminGet("/" + REALM + "/clients/" + management + "/roles/manage-users");
        expect(kc.admin("POST", "/" + REALM + "/users/" + id + "/role-mappings/clients/" + management, List.of(manageUsers)), 204);
        KeycloakClient.Page page = kc.openLoginPage(REALM, SPA_CLIENT, SPA_REDIRECT, null).submitCredentials(username, PASSWORD);
        assertTrue(page.has("kinga-totp-enrol-form"), "manage-users without a realm role still enrols:\n" + page.html());
        assertEquals(401, passwordGrant(kc, username, null).statusCode(), "and cannot skip it through the direct grant");
    }

    // --- 4. enrolment fails closed -------------------------------------------------------------

    @Test
    void withEnrolmentDisabledAnEnforcedUserIsRefusedAndARestartReEnablesIt(KeycloakClient kc, KeycloakServer server) throws Exception {
        String path = "/" + REALM + "/authentication/required-actions/kinga-totp-enrol";
        Map<String, Object> action = new java.util.HashMap<>(KeycloakClient.JSON.convertValue(kc.adminGet(path), Map.class));
        action.put("enabled", false);
        expect(kc.admin("PUT", path, action), 204);
        try {
            String username = newUser(kc, "therapist");
            KeycloakClient.Page page = kc.openLoginPage(REALM, SPA_CLIENT, SPA_REDIRECT, null).submitCredentials(username, PASSWORD);
            assertNotEquals(302, page.status(), "no login with the password alone");
            assertTrue(page.html().contains("you have not been signed in"), page.html());
            String id = kc.adminGet("/" + REALM + "/users?exact=true&username=" + username).get(0).path("id").asText();
            JsonNode events = kc.adminGet("/" + REALM + "/events?user=" + id + "&type=LOGIN_ERROR&max=20");
            assertTrue(events.toString().contains("enrolment_unavailable"), events.toString());

            server.restart();
            assertTrue(kc.adminGet(path).path("enabled").asBoolean(), "Kinga re-enables its enrolment step at start-up");
            KeycloakClient.Page enrol = kc.openLoginPage(REALM, SPA_CLIENT, SPA_REDIRECT, null).submitCredentials(username, PASSWORD);
            assertTrue(enrol.has("kinga-totp-enrol-form"), enrol.html());
        } finally {
            action.put("enabled", true);
            kc.admin("PUT", path, action);
        }
    }

    // --- 5. identity-provider logins pass Kinga MFA ----------------------------------------------

    @Test
    void aBrokeredLoginOfAUserWithKingaFactorsPassesKingaMfa(KeycloakClient kc) {
        String idpRealm = "kinga-idp-" + UUID.randomUUID().toString().substring(0, 6);
        String alias = "it-oidc-" + idpRealm.substring(10);
        expect(kc.admin("POST", "", Map.of("realm", idpRealm, "enabled", true)), 201);
        try {
            String secret = UUID.randomUUID().toString();
            expect(kc.admin("POST", "/" + idpRealm + "/clients", Map.of("clientId", "kinga-broker", "publicClient", false,
                    "secret", secret, "standardFlowEnabled", true, "directAccessGrantsEnabled", false,
                    "redirectUris", List.of(kc.baseUrl() + "/realms/" + REALM + "/broker/" + alias + "/endpoint*"))), 201);
            String remoteName = "remote-" + UUID.randomUUID().toString().substring(0, 8);
            String remoteId = kc.createUser(idpRealm, remoteName, PASSWORD);
            String issuer = kc.baseUrl() + "/realms/" + idpRealm;
            Map<String, String> config = new java.util.HashMap<>();
            config.put("issuer", issuer);
            config.put("authorizationUrl", issuer + "/protocol/openid-connect/auth");
            config.put("tokenUrl", issuer + "/protocol/openid-connect/token");
            config.put("jwksUrl", issuer + "/protocol/openid-connect/certs");
            config.put("useJwksUrl", "true");
            config.put("validateSignature", "true");
            config.put("clientId", "kinga-broker");
            config.put("clientSecret", secret);
            config.put("clientAuthMethod", "client_secret_post");
            config.put("syncMode", "IMPORT");
            config.put("defaultScope", "openid");
            expect(kc.admin("POST", "/" + REALM + "/identity-provider/instances", Map.of("alias", alias, "providerId", "oidc",
                    "enabled", true, "config", config)), 201);
            JsonNode idp = kc.adminGet("/" + REALM + "/identity-provider/instances/" + alias);
            assertEquals("kinga post broker login", idp.path("postBrokerLoginFlowAlias").asText(),
                    "a new identity provider runs Kinga MFA after login: " + idp);

            Enrolled user = enrol(kc, optInUser(kc));
            expect(kc.admin("POST", "/" + REALM + "/users/" + user.userId() + "/federated-identity/" + alias,
                    Map.of("identityProvider", alias, "userId", remoteId, "userName", remoteName)), 204);

            KeycloakClient.Page login = kc.openLoginPage(REALM, SPA_CLIENT, SPA_REDIRECT, null).page();
            KeycloakClient.Page remote = login.open(login.link("/broker/" + alias + "/login"));
            assertTrue(remote.has("kc-form-login"), "the identity provider's login page:\n" + remote.status() + " "
                    + remote.location() + "\n" + remote.html());
            KeycloakClient.Page back = remote.post("kc-form-login", Map.of("username", remoteName, "password", PASSWORD, "credentialId", ""));
            assertTrue(back.has("kinga-totp-form"), "Kinga MFA after the identity provider:\n" + back.status() + back.html());
            back.post("kinga-totp-form", Map.of("mode", "totp", "otp", user.totp().codeAfter(user.enrolledAt()))).tokens();
        } finally {
            kc.admin("DELETE", "/" + REALM + "/identity-provider/instances/" + alias, null);
            kc.admin("DELETE", "/" + idpRealm, null);
        }
    }

    // --- 12. realm hygiene ------------------------------------------------------------------------

    @Test
    void adminCliAllowsNoPasswordGrantInRealmKinga(KeycloakClient kc) {
        HttpResponse<String> refused = kc.postForm(kc.baseUrl() + "/realms/" + REALM + "/protocol/openid-connect/token", Map.of(
                "grant_type", "password", "client_id", "admin-cli", "username", newUser(kc, null), "password", PASSWORD), null);
        assertNotEquals(200, refused.statusCode(), refused.body());
        assertEquals("unauthorized_client", json(refused).path("error").asText(), refused.body());
    }

    @Test
    void expiredTrustedDevicesArePurgedAtTheNextLogin(KeycloakClient kc, KeycloakServer server) throws Exception {
        Enrolled user = enrol(kc, optInUser(kc));
        KeycloakClient.Page page = password(kc, user);
        page.post("kinga-totp-form", Map.of("mode", "totp", "use_backup_code", ""))
                .post("kinga-backup-code-form", Map.of("mode", "backup", "backup_code", user.backupCodes().get(0), "trust_device", "on"))
                .tokens();
        try (Connection db = server.openDatabase();
             PreparedStatement expire = db.prepareStatement(
                     "update CREDENTIAL set CREDENTIAL_DATA = ? where USER_ID = ? and TYPE = 'kinga-trusted-device'")) {
            expire.setString(1, "{\"expiresAt\":1,\"device\":\"Browser on unknown system\"}");
            expire.setString(2, user.userId());
            assertEquals(1, expire.executeUpdate());
        }
        expect(kc.admin("POST", "/" + REALM + "/clear-user-cache", null), 204);
        KeycloakClient.Page again = page.newLogin(false).submitCredentials(user.username(), PASSWORD);
        assertTrue(again.has("kinga-totp-form"), "an expired device does not skip MFA");
        assertFalse(kc.adminGet("/" + REALM + "/users/" + user.userId() + "/credentials").toString().contains("kinga-trusted-device"),
                "and its credential is gone");
    }

    // --- 9. sealing keys ------------------------------------------------------------------------------

    @Test
    void aNewSealingKeyReSealsOnUseAndAnUnknownKeyGivesTheInvalidCodePageWithAnEvent(KeycloakClient kc, KeycloakServer server)
            throws Exception {
        Enrolled user = enrol(kc, optInUser(kc));
        assertTrue(sealedTotp(server, user.userId()).contains("\"v1.it1."), "sealed with the first key");
        String second = "it2:" + java.util.Base64.getEncoder().encodeToString("kinga-it-second-sealing-key-32b!".getBytes(StandardCharsets.US_ASCII));
        server.restartWithSealingKeys(second + "," + KeycloakServer.MFA_SEALING_KEYS, "it2");

        password(kc, user).post("kinga-totp-form", Map.of("mode", "totp", "otp", user.totp().codeAfter(user.enrolledAt()))).tokens();
        assertTrue(sealedTotp(server, user.userId()).contains("\"v1.it2."), "re-sealed with the active key on use");
        password(kc, user).post("kinga-totp-form", Map.of("mode", "totp", "use_backup_code", ""))
                .post("kinga-backup-code-form", Map.of("mode", "backup", "backup_code", user.backupCodes().get(0))).tokens();

        // A key id the server does not know: the ordinary "invalid code" form, an event with the reason, no lockout.
        try (Connection db = server.openDatabase();
             PreparedStatement edit = db.prepareStatement(
                     "update CREDENTIAL set SECRET_DATA = replace(SECRET_DATA, '\"v1.it2.', '\"v1.gone.') where USER_ID = ? and TYPE = 'kinga-totp'")) {
            edit.setString(1, user.userId());
            assertEquals(1, edit.executeUpdate());
        }
        expect(kc.admin("POST", "/" + REALM + "/clear-user-cache", null), 204);
        KeycloakClient.Page page = password(kc, user).post("kinga-totp-form",
                Map.of("mode", "totp", "otp", user.totp().currentCode()));
        assertEquals(200, page.status());
        assertTrue(page.has("kinga-totp-form") && page.html().contains("That code is not right"), page.html());
        JsonNode events = kc.adminGet("/" + REALM + "/events?user=" + user.userId() + "&type=LOGIN_ERROR&max=20");
        assertTrue(events.toString().contains("key_unavailable"), events.toString());
        assertEquals(0, kc.adminGet("/" + REALM + "/attack-detection/brute-force/users/" + user.userId()).path("numFailures").asInt(),
                "an operator's missing key is not the user's failure");
    }

    // --- 10. concurrency and binding ----------------------------------------------------------------

    @Test
    void backupCodesUsedAtTheSameMomentAllCount(KeycloakClient kc) throws Exception {
        Enrolled user = enrol(kc, optInUser(kc));
        int parallel = 4;
        // Keycloak's quick-login check would lock an account that logs in four times in a second; this test is about the codes.
        expect(kc.admin("PUT", "/" + REALM, Map.of("bruteForceProtected", false)), 204);
        try {
            useInParallel(kc, user, parallel);
        } finally {
            expect(kc.admin("PUT", "/" + REALM, Map.of("bruteForceProtected", true)), 204);
        }
        String stored = kc.adminGet("/" + REALM + "/users/" + user.userId() + "/credentials").toString();
        assertTrue(stored.contains((10 - parallel) + " of 10 left"), "every code used is gone, none came back: " + stored);
        for (int i = 0; i < parallel; i++) {
            KeycloakClient.Page reused = password(kc, user).post("kinga-totp-form", Map.of("mode", "totp", "use_backup_code", ""))
                    .post("kinga-backup-code-form", Map.of("mode", "backup", "backup_code", user.backupCodes().get(i)));
            assertTrue(reused.has("kinga-backup-code-form"), "code " + i + " stays used");
            slowerThanTheQuickLoginCheck();
        }
        expect(kc.admin("DELETE", "/" + REALM + "/attack-detection/brute-force/users/" + user.userId(), null), 204);
    }

    private static void useInParallel(KeycloakClient kc, Enrolled user, int parallel) throws Exception {
        List<KeycloakClient.Page> forms = new java.util.ArrayList<>();
        for (int i = 0; i < parallel; i++) {
            forms.add(password(kc, user).post("kinga-totp-form", Map.of("mode", "totp", "use_backup_code", "")));
        }
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(parallel);
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        try {
            List<java.util.concurrent.Future<JsonNode>> logins = new java.util.ArrayList<>();
            for (int i = 0; i < parallel; i++) {
                KeycloakClient.Page form = forms.get(i);
                String code = user.backupCodes().get(i);
                logins.add(pool.submit(() -> {
                    go.await();
                    return form.post("kinga-backup-code-form", Map.of("mode", "backup", "backup_code", code)).tokens();
                }));
            }
            go.countDown();
            for (java.util.concurrent.Future<JsonNode> login : logins) {
                assertFalse(login.get(60, java.util.concurrent.TimeUnit.SECONDS).path("access_token").asText().isEmpty());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void backupCodeAndTrustedDeviceHashesCopiedToAnotherUserMatchNothingThere(KeycloakClient kc, KeycloakServer server) throws Exception {
        Enrolled alice = enrol(kc, optInUser(kc));
        Enrolled bob = enrol(kc, optInUser(kc));
        KeycloakClient.Page alicePage = password(kc, alice);
        alicePage.post("kinga-totp-form", Map.of("mode", "totp", "use_backup_code", ""))
                .post("kinga-backup-code-form", Map.of("mode", "backup", "backup_code", alice.backupCodes().get(0), "trust_device", "on"))
                .tokens();
        KeycloakClient.Page bobPage = password(kc, bob);
        bobPage.post("kinga-totp-form", Map.of("mode", "totp", "use_backup_code", ""))
                .post("kinga-backup-code-form", Map.of("mode", "backup", "backup_code", bob.backupCodes().get(0), "trust_device", "on"))
                .tokens();
        String aliceCookie = alicePage.cookie("KINGA_TRUSTED_DEVICE");
        String bobCookie = bobPage.cookie("KINGA_TRUSTED_DEVICE");
        // Someone who can write the database gives Bob Alice's backup-code set and trusted-device hash.
        try (Connection db = server.openDatabase()) {
            for (String type : List.of("kinga-backup-codes", "kinga-trusted-device")) {
                String aliceSecret;
                try (PreparedStatement read = db.prepareStatement("select SECRET_DATA from CREDENTIAL where USER_ID = ? and TYPE = ?")) {
                    read.setString(1, alice.userId());
                    read.setString(2, type);
                    try (java.sql.ResultSet rs = read.executeQuery()) {
                        assertTrue(rs.next());
                        aliceSecret = rs.getString(1);
                    }
                }
                try (PreparedStatement write = db.prepareStatement("update CREDENTIAL set SECRET_DATA = ? where USER_ID = ? and TYPE = ?")) {
                    write.setString(1, aliceSecret);
                    write.setString(2, bob.userId());
                    write.setString(3, type);
                    assertEquals(1, write.executeUpdate());
                }
            }
        }
        expect(kc.admin("POST", "/" + REALM + "/clear-user-cache", null), 204);
        // Alice's code does not open Bob's account.
        KeycloakClient.Page asBob = password(kc, bob).post("kinga-totp-form", Map.of("mode", "totp", "use_backup_code", ""))
                .post("kinga-backup-code-form", Map.of("mode", "backup", "backup_code", alice.backupCodes().get(1)));
        assertTrue(asBob.has("kinga-backup-code-form"), "Alice's backup code refused for Bob");
        // Alice's device secret under Bob's credential id does not skip Bob's MFA.
        String forged = bobCookie.substring(0, bobCookie.indexOf('.')) + aliceCookie.substring(aliceCookie.indexOf('.'));
        KeycloakClient.LoginPage login = bobPage.newLogin(false);
        KeycloakClient.Page withForgedCookie = login.withCookie("KINGA_TRUSTED_DEVICE", forged).submitCredentials(bob.username(), PASSWORD);
        assertTrue(withForgedCookie.has("kinga-totp-form"), "no skip with a hash bound to another user");
    }

    private static String sealedTotp(KeycloakServer server, String userId) throws Exception {
        try (Connection db = server.openDatabase();
             PreparedStatement read = db.prepareStatement("select SECRET_DATA from CREDENTIAL where USER_ID = ? and TYPE = 'kinga-totp'")) {
            read.setString(1, userId);
            try (java.sql.ResultSet rs = read.executeQuery()) {
                assertTrue(rs.next());
                return rs.getString(1);
            }
        }
    }

    // --- helpers -----------------------------------------------------------------------------------

    /** A six-digit code that is not {@code right}. */
    static String wrong(String right) {
        char[] digits = right.toCharArray();
        digits[0] = (char) ('0' + (digits[0] - '0' + 5) % 10);
        return new String(digits);
    }

    /** The realm locks at once for two failures within a second (quickLoginCheckMilliSeconds); these tests count failureFactor. */
    static void slowerThanTheQuickLoginCheck() {
        sleep(1_100);
    }

    /** Keycloak counts failures on its own thread: wait until the count shows them. */
    static JsonNode awaitFailures(KeycloakClient kc, String userId, int atLeast) {
        JsonNode state = null;
        for (int i = 0; i < 50; i++) {
            state = kc.adminGet("/" + REALM + "/attack-detection/brute-force/users/" + userId);
            if (state.path("numFailures").asInt() >= atLeast) {
                return state;
            }
            sleep(100);
        }
        throw new AssertionError("failures not counted: " + state);
    }

    /** The enrolment a role that must use MFA goes through at its first login. */
    static Enrolled enrolEnforced(KeycloakClient kc, String username) {
        KeycloakClient.Page page = kc.openLoginPage(REALM, SPA_CLIENT, SPA_REDIRECT, null).submitCredentials(username, PASSWORD);
        assertTrue(page.has("kinga-totp-enrol-form"), page.html());
        dev.kinga.keycloak.testing.MfaAutomation.Enrolment totp = dev.kinga.keycloak.testing.MfaAutomation.enrolment(page.html());
        long at = System.currentTimeMillis() / 1000;
        KeycloakClient.Page codes = page.post("kinga-totp-enrol-form", Map.of("otp", totp.code(at)));
        List<String> backup = dev.kinga.keycloak.testing.MfaAutomation.backupCodes(codes.html());
        KeycloakClient.Page done = codes.post("kinga-backup-codes-form", Map.of("stored", ""));
        done.tokens();
        String id = kc.adminGet("/" + REALM + "/users?exact=true&username=" + username).get(0).path("id").asText();
        return new Enrolled(username, id, totp, backup, at, done);
    }

    private static String resetLink(GreenMail mail, String to) throws Exception {
        Pattern link = Pattern.compile("(https?://[^\\s\"<>]+/login-actions/action-token\\?[^\\s\"<>]+)");
        for (int i = 0; i < 100; i++) {
            for (MimeMessage message : mail.getReceivedMessages()) {
                if (Arrays.stream(message.getAllRecipients()).anyMatch(a -> a.toString().contains(to))) {
                    Matcher m = link.matcher(text(message.getContent()));
                    if (m.find()) {
                        return m.group(1).replace("&amp;", "&");
                    }
                }
            }
            sleep(100);
        }
        throw new AssertionError("no reset mail to " + to + " with a link");
    }

    private static String text(Object content) throws Exception {
        if (content instanceof Multipart multipart) {
            StringBuilder all = new StringBuilder();
            for (int i = 0; i < multipart.getCount(); i++) {
                BodyPart part = multipart.getBodyPart(i);
                all.append(text(part.getContent())).append('\n');
            }
            return all.toString();
        }
        return String.valueOf(content);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
