package dev.kinga.keycloak.mfa;

import dev.kinga.keycloak.testing.Chromium;
import dev.kinga.keycloak.testing.KeycloakClient;
import dev.kinga.keycloak.testing.KeycloakExtension;
import dev.kinga.keycloak.testing.MfaAutomation;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import static dev.kinga.keycloak.testing.DemoUsers.PASSWORD;
import static dev.kinga.keycloak.testing.DemoUsers.REALM;
import static dev.kinga.keycloak.testing.DemoUsers.SPA_CLIENT;
import static dev.kinga.keycloak.testing.DemoUsers.SPA_REDIRECT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Enrolment and logins in Debian's headless Chromium, through the kinga theme's pages, saving a
 * screenshot of each page to target/screenshots/. Needs Debian's Chromium ({@code .ci/run}
 * installs it); where it is missing the test is reported as skipped, with the reason.
 */
@ExtendWith(KeycloakExtension.class)
class MfaBrowserIT {

    private static final Path SHOTS = Path.of("target", "screenshots");

    @Test
    void enrolAndLogInThroughEveryKingaPage(KeycloakClient kc) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Chromium.BINARY),
                "SKIPPED: Debian's Chromium is not installed at " + Chromium.BINARY + " (apt-get install chromium)");
        String username = MfaIT.optInUser(kc);
        // kinga-spa requires PKCE; the test never exchanges the code, so any S256 challenge will do.
        String challenge = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                java.security.MessageDigest.getInstance("SHA-256").digest(UUID.randomUUID().toString().getBytes(StandardCharsets.US_ASCII)));
        String auth = kc.baseUrl() + "/realms/" + REALM + "/protocol/openid-connect/auth?client_id=" + SPA_CLIENT
                + "&response_type=code&scope=openid&code_challenge_method=S256&code_challenge=" + challenge
                + "&redirect_uri=" + URLEncoder.encode(SPA_REDIRECT, StandardCharsets.UTF_8);
        try (Chromium browser = Chromium.launch()) {
            browser.open(auth);
            browser.waitFor("kc-form-login");
            shot(browser, "1-login");
            browser.type("username", username);
            browser.type("password", PASSWORD);
            browser.click("kc-login");

            browser.waitFor("kinga-totp-enrol-form");
            assertTrue(browser.eval("!!document.querySelector('#kinga-totp-qr path')").asBoolean(), "the QR code is drawn");
            shot(browser, "2-totp-enrol");
            MfaAutomation.Enrolment totp = MfaAutomation.enrolment(browser.eval("document.documentElement.outerHTML").asText());
            long enrolledAt = System.currentTimeMillis() / 1000;
            browser.type("otp", totp.code(enrolledAt));
            browser.click("kinga-totp-enrol-submit");

            browser.waitFor("kinga-backup-codes-form");
            shot(browser, "3-backup-codes");
            List<String> codes = MfaAutomation.backupCodes(browser.eval("document.documentElement.outerHTML").asText());
            assertEquals(10, codes.size());
            browser.click("kinga-backup-codes-stored");
            assertTrue(browser.waitForUrl(SPA_REDIRECT).contains("code="), "enrolment ends in the app");

            // A new browser session: TOTP entry (with "trust this device"), then the backup code page.
            browser.clearCookies();
            browser.open(auth + "&ui_locales=sw");
            browser.waitFor("kc-form-login");
            shot(browser, "4-login-sw");
            browser.type("username", username);
            browser.type("password", PASSWORD);
            browser.click("kc-login");
            browser.waitFor("kinga-totp-form");
            assertTrue(browser.text("kinga-totp-instruction").contains("programu"), "Kiswahili text");
            shot(browser, "5-totp-sw");
            browser.click("kinga-use-backup-code");
            browser.waitFor("kinga-backup-code-form");
            shot(browser, "6-backup-code-sw");
            browser.type("backup_code", codes.get(3));
            browser.click("trust_device");
            browser.click("kinga-backup-code-submit");
            assertTrue(browser.waitForUrl(SPA_REDIRECT).contains("code="));

            // And with the authenticator app, in English.
            browser.clearCookies();
            browser.open(auth + "&ui_locales=en");
            browser.waitFor("kc-form-login");
            browser.type("username", username);
            browser.type("password", PASSWORD);
            browser.click("kc-login");
            browser.waitFor("kinga-totp-form");
            assertTrue(browser.eval("!!document.getElementById('trust_device')").asBoolean(), "trust this device is offered");
            shot(browser, "7-totp-trust-device");
            browser.type("otp", totp.codeAfter(enrolledAt));
            browser.click("kinga-totp-submit");
            assertTrue(browser.waitForUrl(SPA_REDIRECT).contains("code="));
        }
        try (var files = Files.list(SHOTS)) {
            assertTrue(files.filter(f -> f.toString().endsWith(".png")).count() >= 7, "a screenshot of every page");
        }
    }

    private static void shot(Chromium browser, String name) throws Exception {
        Path file = browser.screenshot(SHOTS.resolve("mfa-" + name + ".png"));
        byte[] png = Files.readAllBytes(file);
        assertTrue(png.length > 5_000 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G', name + " is a real PNG");
    }
}
