package dev.kinga.keycloak.privacy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kinga.keycloak.testing.AppConnector;
import dev.kinga.keycloak.testing.Chromium;
import dev.kinga.keycloak.testing.KeycloakClient;
import dev.kinga.keycloak.testing.KeycloakExtension;
import dev.kinga.keycloak.testing.KeycloakServer;
import dev.kinga.keycloak.testing.MfaAutomation;
import dev.kinga.keycloak.testing.SidecarProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static dev.kinga.keycloak.testing.DemoUsers.PASSWORD;
import static dev.kinga.keycloak.testing.DemoUsers.REALM;
import static dev.kinga.keycloak.testing.DemoUsers.SPA_CLIENT;
import static dev.kinga.keycloak.testing.DemoUsers.SPA_REDIRECT;
import static dev.kinga.keycloak.testing.KeycloakClient.expect;
import static dev.kinga.keycloak.testing.KeycloakClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12's acceptance on the real stack: Keycloak, the sidecar's production jar, an app's
 * connector written from docs/connectors.md, GnuPG and Debian's headless Chromium. A person
 * registers, enrols MFA, gives and withdraws consent and uses an app; an officer exports
 * everything about them (and nothing about anyone else); the person erases their account from the
 * self-service page, cancels with the code they were given, asks again, and is erased everywhere;
 * a sidecar killed mid-erasure finishes the job after a restart, each app erased once.
 */
@ExtendWith(KeycloakExtension.class)
class DataSubjectJourneyIT {

    private static final String APP = "messages-app";
    private static final String PURPOSE = "research-2026";
    private static final String PASSPHRASE = "journey passphrase for gpg";
    private static SidecarProcess sidecar;
    private static AppConnector app;
    private static String officerName;
    private static String pageClientId;
    private static String pageClientRootUrl;

    @BeforeAll
    static void stack(KeycloakServer keycloak, KeycloakClient kc) throws Exception {
        sidecar = SidecarProcess.start(keycloak, "sidecar-journey", Map.of(
                "KINGA_DSR_POLL_INTERVAL", "300ms", "KINGA_DSR_LEASE", "PT3S", "KINGA_DSR_RETRY_DELAY", "PT1S"));
        app = new AppConnector("journey-app-connector-secret-0123456789abcdef");
        JsonNode pageClient = kc.adminGet("/" + REALM + "/clients?clientId=kinga-my-data").get(0);
        pageClientId = pageClient.path("id").asText();
        pageClientRootUrl = pageClient.path("rootUrl").asText();
        expect(kc.admin("PUT", "/" + REALM + "/clients/" + pageClientId, Map.of("rootUrl", sidecar.url())), 204);
        expect(kc.admin("PUT", "/" + REALM, Map.of("registrationAllowed", true)), 204);

        officerName = "it-dpo-" + UUID.randomUUID().toString().substring(0, 8);
        String officerId = kc.createUser(REALM, officerName, PASSWORD);
        expect(kc.admin("POST", "/" + REALM + "/users/" + officerId + "/role-mappings/realm",
                List.of(kc.adminGet("/" + REALM + "/roles/privacy-officer"))), 204);
        String officer = officer(kc);
        // PUT registers or, when an earlier run on this database did, updates: 201 or 200.
        HttpResponse<String> registered = kc.send("PUT", sidecar.url() + "/api/v1/connectors/" + APP,
                Map.of("url", app.url(), "secret", app.secret), officer);
        assertTrue(registered.statusCode() == 201 || registered.statusCode() == 200, registered.body());
        assertEquals("api", json(registered).path("source").asText());
        HttpResponse<String> purpose = kc.send("PUT", sidecar.url() + "/api/v1/consent/purposes/" + PURPOSE,
                Map.of("text", "Use my anonymised messages for research on care in 2026", "version", 1), officer);
        assertTrue(purpose.statusCode() == 201 || purpose.statusCode() == 200, purpose.body());
    }

    @AfterAll
    static void tearDown(KeycloakClient kc) throws InterruptedException {
        expect(kc.admin("PUT", "/" + REALM, Map.of("registrationAllowed", false)), 204);
        if (pageClientId != null) {
            expect(kc.admin("PUT", "/" + REALM + "/clients/" + pageClientId, Map.of("rootUrl", pageClientRootUrl)), 204);
        }
        if (app != null) {
            // The sidecar's database is shared by every sidecar of a PostgreSQL run: an app left
            // registered, with nobody answering at its address, would hold up later classes' jobs.
            if (sidecar != null && officerName != null) {
                expect(kc.send("DELETE", sidecar.url() + "/api/v1/connectors/" + APP, null, officer(kc)), 204);
            }
            app.close();
        }
        if (sidecar != null) {
            sidecar.close();
        }
    }

    @Test
    void aPersonIsExportedAndErasedEverywhereAfterChangingTheirMindOnce(KeycloakClient kc) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Chromium.BINARY), "SKIPPED: Debian's Chromium is not installed at " + Chromium.BINARY);
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/gpg")), "SKIPPED: GnuPG is not installed (apt-get install gnupg)");
        String username = "it-person-" + UUID.randomUUID().toString().substring(0, 8);
        String email = username + "@example.com";
        try (Chromium browser = Chromium.launch()) {
            // A link with an error and a sentence of someone else's: the page says only its own sentence.
            browser.open(sidecar.url() + "/my-data/?lang=en&error=access_denied&error_description="
                    + java.net.URLEncoder.encode("Your data was leaked. Call +254 700 000000", java.nio.charset.StandardCharsets.UTF_8));
            browser.waitUntil("!document.getElementById('error').hidden", "the error shown");
            assertEquals("Sign-in was cancelled or refused. Sign in again to see your data.", browser.text("error"));
            assertFalse(browser.eval("document.body.innerText").asText().contains("+254"), "none of the address's text");

            // Registration through the login page, reached from the self-service page.
            browser.open(sidecar.url() + "/my-data/");
            browser.waitUntil("!document.getElementById('landing').hidden", "the landing page");
            browser.click("sign-in");
            browser.waitFor("kc-form-login");
            String privacyLink = browser.eval("document.querySelector('#kinga-privacy-link a').href").asText();
            assertTrue(privacyLink.endsWith("/realms/" + REALM + "/kinga-privacy/my-data"), privacyLink);
            assertEquals(sidecar.url() + "/my-data/", redirectOf(privacyLink), "the login page's link leads to the page");
            browser.open(browser.eval("document.querySelector('a[href*=\"login-actions/registration\"]').href").asText());
            browser.waitFor("kc-register-form");
            for (var field : Map.of("username", username, "email", email, "firstName", "Achieng", "lastName", "Journey",
                    "password", PASSWORD, "password-confirm", PASSWORD).entrySet()) {
                browser.type(field.getKey(), field.getValue());
            }
            browser.eval("document.getElementById('kc-register-form').requestSubmit()");
            browser.waitUntil("!document.getElementById('app').hidden && document.getElementById('who-name').textContent", "signed in");
            assertEquals(username, browser.text("who-name"));
            String userId = kc.adminGet("/" + REALM + "/users?exact=true&username=" + username).get(0).path("id").asText();

            // MFA, as the account console's "Set up" does it (application-initiated action).
            MfaAutomation.Enrolment totp = enrolTotp(browser, kc.baseUrl());
            long lastCodeAt = System.currentTimeMillis() / 1000;

            // The account console's "Your data and privacy" leads back to the page, signed in.
            browser.open(kc.baseUrl() + "/realms/" + REALM + "/account/");
            browser.waitUntil("document.querySelector('[data-testid=\"content/:componentId\"]')", "the account console's menu");
            assertEquals("Your data and privacy", browser.eval("document.querySelector('[data-testid=\"content/:componentId\"]')"
                    + ".textContent").asText());
            browser.eval("document.querySelector('[data-testid=\"content/:componentId\"]').click()");
            browser.waitFor("kinga-my-data-link");
            browser.click("kinga-my-data-link");
            browser.waitUntil("!document.getElementById('app').hidden && document.getElementById('consent-" + PURPOSE + "')", "the page");

            browser.screenshot(Path.of("target", "screenshots", "my-data-en.png"));

            // Consent given, then withdrawn.
            browser.click("consent-" + PURPOSE);
            browser.waitUntil("document.getElementById('consent-" + PURPOSE + "').textContent === 'Withdraw'", "consent given");
            browser.click("consent-" + PURPOSE);
            browser.waitUntil("document.getElementById('consent-" + PURPOSE + "').textContent === 'I agree'", "consent withdrawn");

            // The person's data elsewhere: a tokenized value tied to them, and messages in the app; another person's too.
            String officer = officer(kc);
            String token = tokenize(kc, officer, email, userId);
            app.hold(userId, "message 1: I slept better this week", "message 2: new job");
            String otherName = "it-other-" + UUID.randomUUID().toString().substring(0, 8);
            String otherId = kc.createUser(REALM, otherName, PASSWORD);
            String otherToken = tokenize(kc, officer, otherName + "@example.com", otherId);
            app.hold(otherId, "other person's message");
            expect(kc.send("POST", sidecar.url() + "/api/v1/consent/records",
                    Map.of("subject", otherId, "purpose", PURPOSE, "action", "grant", "source", "IT"), officer), 201);

            // The officer's export: every part, nothing of the other person, opened by gpg.
            JsonNode archive = officerExport(kc, officer, username);
            assertEquals(username, archive.at("/parts/keycloak/profile/username").asText());
            assertEquals(email, archive.at("/parts/keycloak/profile/email").asText());
            String credentialTypes = archive.at("/parts/keycloak/credentials").toString();
            assertTrue(credentialTypes.contains("kinga-totp") && credentialTypes.contains("kinga-backup-codes"), credentialTypes);
            assertFalse(archive.at("/parts/keycloak/auditRecords").isEmpty(), "Kinga's audit records about them");
            assertEquals(List.of("grant", "withdraw"), texts(archive.at("/parts/sidecar/consents/history"), "action"));
            assertEquals(List.of(token), texts(archive.at("/parts/sidecar/tokens"), "token"));
            assertEquals(List.of("message 1: I slept better this week", "message 2: new job"),
                    texts(archive.at("/parts/apps/" + APP + "/records"), "text"));
            String whole = archive.toString();
            for (String foreign : List.of(otherId, otherName, otherToken, "other person's message")) {
                assertFalse(whole.contains(foreign), "nothing of another person: " + foreign);
            }

            // The person's own copy, downloaded encrypted from the page, opens with gpg too.
            browser.click("export-request");
            browser.waitUntil("document.querySelector('[id^=download-encrypted-]')", "the copy ready");
            lastCodeAt = downloadEncrypted(browser, username, totp, lastCodeAt);
            String ownCopy = gpgDecrypt(browser.eval("window.kingaDownload").asText());
            assertTrue(ownCopy.contains("\"username\":\"" + username + "\""), "the person's copy is theirs");

            // Erasure with the grace period; the account is closed; the code cancels it.
            browser.click("erase-confirm");
            browser.click("erase-request");
            lastCodeAt = signInAgainIfAsked(browser, username, totp, lastCodeAt);
            browser.waitUntil("!document.getElementById('erase-result').hidden", "the cancellation link");
            String cancelLink = browser.eval("document.getElementById('cancel-link').href").asText();
            assertTrue(cancelLink.startsWith(sidecar.url() + "/my-data/#cancel="), cancelLink);
            assertFalse(kc.adminGet("/" + REALM + "/users/" + userId).path("enabled").asBoolean(), "closed for the grace period");
            browser.clearCookies();
            browser.open("about:blank"); // the link opened later, in a new visit
            browser.open(cancelLink);
            browser.waitUntil("!document.getElementById('landing').hidden && document.getElementById('cancel-code').value", "the code");
            browser.click("cancel-submit");
            browser.waitUntil("!document.getElementById('cancel-done').hidden", "the account kept");
            assertTrue(kc.adminGet("/" + REALM + "/users/" + userId).path("enabled").asBoolean(), "the account is back");

            // Asked again, right away, after signing in with password and code.
            browser.open(sidecar.url() + "/my-data/?lang=sw");
            browser.waitUntil("document.getElementById('sign-in').textContent === 'Ingia'", "the page in Kiswahili");
            browser.screenshot(Path.of("target", "screenshots", "my-data-sw-landing.png"));
            browser.click("sign-in");
            lastCodeAt = signIn(browser, username, totp, lastCodeAt);
            browser.waitUntil("!document.getElementById('app').hidden", "signed in again");
            browser.click("erase-now");
            browser.click("erase-confirm");
            browser.click("erase-request");
            signInAgainIfAsked(browser, username, totp, lastCodeAt);
            browser.waitUntil("document.querySelector('#requests tr[id^=request-]')"
                    + " && document.querySelector('#requests tr[id^=request-]').dataset.status !== 'cancelled'", "the new erasure listed");
            // Newest first: the erasure just asked for.
            String requestId = browser.eval("document.querySelector('#requests tr[id^=request-]').id.slice('request-'.length)").asText();
            JsonNode erased = awaitDsr(kc, requestId, "completed");
            assertEquals(404, kc.admin("GET", "/" + REALM + "/users/" + userId, null).statusCode(), "gone from Keycloak");
            assertEquals(1, app.erasures(userId), "the app erased once");
            assertEquals(1, app.eraseDeliveries(userId), "one signed erase reached the app");
            assertEquals(0, app.refused(), "every call the app got was signed right");
            JsonNode connectors = erased.at("/receipt/connectors");
            for (String connector : List.of(APP, "keycloak", "sidecar")) {
                assertTrue(connectors.has(connector), "the receipt lists " + connector + ": " + connectors);
            }
            assertEquals(2, connectors.path(APP).path("erased").path("messages").asInt(), connectors.toString());

            String freshOfficer = freshOfficer(kc); // detokenization needs a recent MFA sign-in
            HttpResponse<String> shredded = kc.send("POST", sidecar.url() + "/api/v1/pii/detokenize",
                    Map.of("tokens", List.of(token), "purpose", "IT: after erasure"), freshOfficer);
            assertEquals(410, shredded.statusCode(), shredded.body());
            HttpResponse<String> others = kc.send("POST", sidecar.url() + "/api/v1/pii/detokenize",
                    Map.of("tokens", List.of(otherToken), "purpose", "IT: the other person is untouched"), freshOfficer);
            assertEquals(200, others.statusCode(), others.body());
            assertTrue(app.holdsAnything(otherId), "the other person's messages stay");

            JsonNode verified = kc.adminGet("/" + REALM + "/kinga-audit/verify");
            assertTrue(verified.path("valid").asBoolean(), verified.toString());
            JsonNode records = kc.adminGet("/" + REALM + "/kinga-audit/records?user=" + userId + "&max=500");
            String trail = records.toString();
            assertTrue(trail.contains(userId), "the records stay");
            for (String personal : List.of(username, email)) {
                assertFalse(trail.contains(personal), "the trail no longer yields " + personal);
            }
            int own = 0;
            for (JsonNode record : records) {
                if (userId.equals(record.at("/actor/userId").asText())) { // their sign-ins, registration, consents: their address
                    own++;
                    assertTrue(record.at("/actor/ip").isMissingNode() || record.at("/actor/ip").isNull(), record.toString());
                    assertFalse(record.toString().contains("127.0.0.1"), "no address of theirs: " + record);
                }
            }
            assertTrue(own >= 3, "the person's own records are kept, without their address: " + own);
        }
    }

    @Test
    void aSidecarKilledMidErasureFinishesAfterRestartAndEachAppErasesOnce(KeycloakClient kc) throws Exception {
        String officer = officer(kc);
        String username = "it-killed-" + UUID.randomUUID().toString().substring(0, 8);
        String userId = kc.createUser(REALM, username, PASSWORD);
        app.hold(userId, "a message from before the crash");
        app.holdNextEraseAnswer();
        String id = json(expect(kc.send("POST", sidecar.url() + "/api/v1/dsr",
                Map.of("type", "erasure", "subject", username, "graceDays", 0), officer), 201)).path("id").asText();
        Instant deadline = Instant.now().plusSeconds(30);
        while (app.eraseDeliveries(userId) == 0 && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
        }
        assertEquals(1, app.erasures(userId), "the app erased, and the sidecar is waiting for its answer");
        sidecar.kill();
        app.release();
        sidecar.restart();

        JsonNode done = awaitDsr(kc, id, "completed");
        assertEquals(1, app.erasures(userId), "erased once however often it was asked");
        assertEquals(2, app.eraseDeliveries(userId), "asked again after the restart, with the same idempotency key");
        assertEquals(404, kc.admin("GET", "/" + REALM + "/users/" + userId, null).statusCode());
        assertTrue(done.at("/receipt/connectors").has(APP), done.toString());
        assertTrue(done.path("attempts").asInt() >= 2, "a second attempt after the crash: " + done);
    }

    @Test
    void badRequestsGetAClearError(KeycloakClient kc) {
        String officer = officer(kc);
        String dsr = sidecar.url() + "/api/v1/dsr";
        assertError(kc.send("POST", dsr, Map.of("type", "export", "subject", "nobody-" + UUID.randomUUID()), officer), 404, "unknown_subject");
        assertError(kc.send("POST", dsr, Map.of("type", "delete", "subject", officerName), officer), 400, "invalid_request");
        String username = "it-bad-" + UUID.randomUUID().toString().substring(0, 8);
        kc.createUser(REALM, username, PASSWORD);
        assertError(kc.send("POST", dsr, Map.of("type", "erasure", "subject", username, "graceDays", -1), officer), 400, "invalid_request");
        String id = json(expect(kc.send("POST", dsr, Map.of("type", "export", "subject", username), officer), 201)).path("id").asText();
        assertError(kc.send("POST", dsr + "/" + id + "/extend", Map.of("days", 5), officer), 400, "invalid_request");
        awaitDsr(kc, id, "completed");
        String link = json(expect(kc.send("POST", dsr + "/" + id + "/archive-link", null, officer), 201)).path("url").asText();
        expect(kc.send("GET", sidecar.url() + link, null, officer), 200);
        assertError(kc.send("GET", sidecar.url() + link, null, officer), 410, "link_used");
        assertError(kc.send("POST", sidecar.url() + "/api/v1/me/cancel-erasure", Map.of("code", "x".repeat(43)), null), 404, "unknown_code");
    }

    private static void assertError(HttpResponse<String> response, int status, String error) {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals(error, json(response).path("error").asText(), response.body());
        assertFalse(response.body().contains("Exception"), "no stack trace");
    }

    private static String officerToken;
    private static Instant officerSignedInAt = Instant.EPOCH;

    /**
     * A token of the IT's privacy officer from the compliance CLI, kept while it is valid (each
     * sign-in after the first spends one of their backup codes).
     */
    private static String officer(KeycloakClient kc) {
        if (officerToken == null || officerSignedInAt.isBefore(Instant.now().minusSeconds(240))) {
            freshOfficer(kc);
        }
        return officerToken;
    }

    /** A new sign-in of the officer (device grant, MFA by automation): recent enough to detokenize. */
    private static String freshOfficer(KeycloakClient kc) {
        officerToken = kc.deviceLogin(REALM, "kinga-compliance-cli", officerName, PASSWORD, null, Map.of()).path("access_token").asText();
        officerSignedInAt = Instant.now();
        return officerToken;
    }

    private static String tokenize(KeycloakClient kc, String officer, String value, String subjectId) {
        JsonNode done = json(expect(kc.send("POST", sidecar.url() + "/api/v1/pii/anonymize",
                Map.of("text", value, "subject", subjectId, "operators", Map.of("EMAIL", Map.of("type", "tokenize"))), officer), 200));
        return done.path("text").asText();
    }

    private static JsonNode officerExport(KeycloakClient kc, String officer, String username) throws Exception {
        String id = json(expect(kc.send("POST", sidecar.url() + "/api/v1/dsr", Map.of("type", "export", "subject", username), officer), 201))
                .path("id").asText();
        awaitDsr(kc, id, "completed");
        String link = json(expect(kc.send("POST", sidecar.url() + "/api/v1/dsr/" + id + "/archive-link", null, officer), 201))
                .path("url").asText();
        HttpResponse<String> encrypted = expect(kc.send("POST", sidecar.url() + link, Map.of("passphrase", PASSPHRASE), officer), 200);
        return KeycloakClient.JSON.readTree(gpgDecrypt(encrypted.body()));
    }

    private static JsonNode awaitDsr(KeycloakClient kc, String id, String status) {
        Instant deadline = Instant.now().plusSeconds(60);
        String officer = officer(kc);
        while (true) {
            JsonNode r = json(expect(kc.send("GET", sidecar.url() + "/api/v1/dsr/" + id, null, officer), 200));
            if (status.equals(r.path("status").asText()) || Instant.now().isAfter(deadline)) {
                assertEquals(status, r.path("status").asText(), r.toString());
                return r;
            }
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** Enrols TOTP in the open browser session through Kinga's pages; the enrolment, to sign in with later. */
    private static MfaAutomation.Enrolment enrolTotp(Chromium browser, String keycloakUrl) throws Exception {
        String challenge = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(java.security.MessageDigest
                .getInstance("SHA-256").digest(UUID.randomUUID().toString().getBytes(StandardCharsets.US_ASCII)));
        browser.open(keycloakUrl + "/realms/" + REALM + "/protocol/openid-connect/auth?client_id=" + SPA_CLIENT
                + "&response_type=code&scope=openid&kc_action=kinga-totp-enrol&code_challenge_method=S256&code_challenge=" + challenge
                + "&redirect_uri=" + java.net.URLEncoder.encode(SPA_REDIRECT, StandardCharsets.UTF_8));
        browser.waitFor("kinga-totp-enrol-form");
        MfaAutomation.Enrolment totp = MfaAutomation.enrolment(browser.eval("document.documentElement.outerHTML").asText());
        browser.type("otp", totp.currentCode());
        browser.click("kinga-totp-enrol-submit");
        browser.waitFor("kinga-backup-codes-form");
        browser.click("kinga-backup-codes-stored");
        browser.waitForUrl(SPA_REDIRECT);
        return totp;
    }

    /** Signs in on the login page with password and TOTP code; when the code was used. */
    private static long signIn(Chromium browser, String username, MfaAutomation.Enrolment totp, long lastCodeAt) throws Exception {
        browser.waitFor("kc-form-login");
        if (browser.eval("!!document.getElementById('username')").asBoolean()) {
            browser.type("username", username);
        }
        browser.type("password", PASSWORD);
        browser.click("kc-login");
        browser.waitFor("kinga-totp-form");
        String code = totp.codeAfter(lastCodeAt);
        long usedAt = Math.max(System.currentTimeMillis() / 1000, lastCodeAt + 30);
        browser.type("otp", code);
        browser.click("kinga-totp-submit");
        return usedAt;
    }

    /**
     * Downloads the person's copy encrypted to the passphrase, catching what the page hands the
     * browser; signs in again first when the sidecar asks (a sign-in over five minutes old).
     */
    private static long downloadEncrypted(Chromium browser, String username, MfaAutomation.Enrolment totp, long lastCodeAt)
            throws Exception {
        for (int attempt = 0; attempt < 2; attempt++) {
            browser.waitUntil("document.querySelector('[id^=download-encrypted-]')", "the copy ready");
            browser.type("passphrase", PASSPHRASE);
            browser.eval("(() => { const original = URL.createObjectURL; URL.createObjectURL = (b) => {"
                    + " b.text().then((t) => { window.kingaDownload = t; }); return original(b); }; })()");
            browser.eval("document.querySelector('[id^=download-encrypted-]').click()");
            browser.waitUntil("window.kingaDownload || document.getElementById('kc-form-login')", "the download");
            if (!browser.eval("!!document.getElementById('kc-form-login')").asBoolean()) {
                return lastCodeAt;
            }
            lastCodeAt = signIn(browser, username, totp, lastCodeAt);
            browser.waitUntil("!document.getElementById('app').hidden", "back on the page");
        }
        throw new AssertionError("no download after signing in again");
    }

    /** The sidecar asks for a fresh sign-in before an erasure when the last one is over five minutes old. */
    private static long signInAgainIfAsked(Chromium browser, String username, MfaAutomation.Enrolment totp, long lastCodeAt)
            throws Exception {
        browser.waitUntil("document.getElementById('kc-form-login') || (document.getElementById('erase-request')"
                + " && document.getElementById('erase-request').disabled)", "the erasure asked for");
        return browser.eval("!!document.getElementById('kc-form-login')").asBoolean() ? signIn(browser, username, totp, lastCodeAt) : lastCodeAt;
    }

    private static String redirectOf(String url) throws Exception {
        HttpResponse<Void> response = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build()
                .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding());
        assertEquals(303, response.statusCode());
        return response.headers().firstValue("Location").orElse("");
    }

    private static List<String> texts(JsonNode array, String field) {
        List<String> out = new ArrayList<>();
        array.forEach(item -> out.add(item.path(field).asText()));
        return out;
    }

    private static String gpgDecrypt(String armoured) throws Exception {
        Path home = Files.createTempDirectory("kinga-gpg");
        Path file = home.resolve("archive.asc");
        Files.writeString(file, armoured);
        Process gpg = new ProcessBuilder("/usr/bin/gpg", "--homedir", home.toString(), "--batch", "--yes", "--quiet",
                "--pinentry-mode", "loopback", "--passphrase", PASSPHRASE, "--decrypt", file.toString())
                .redirectError(home.resolve("gpg.err").toFile()).start();
        byte[] out = gpg.getInputStream().readAllBytes();
        assertTrue(gpg.waitFor(60, TimeUnit.SECONDS), "gpg timed out");
        assertEquals(0, gpg.exitValue(), Files.readString(home.resolve("gpg.err")));
        return new String(out, StandardCharsets.UTF_8);
    }
}
