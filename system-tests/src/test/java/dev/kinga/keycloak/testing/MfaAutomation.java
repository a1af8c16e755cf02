package dev.kinga.keycloak.testing;

import dev.kinga.keycloak.mfa.totp.Totp;
import org.keycloak.models.utils.Base32;

import java.net.URI;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Plays the person with the phone for logins of users who must use MFA in tests that are not
 * about MFA: enrols TOTP from the page's key, keeps the backup codes the page shows, and answers
 * later second-factor pages with an unused backup code (any order, once each, no clock), so
 * repeated logins of one user never trip TOTP replay protection. MFA itself is tested in MfaIT.
 */
public final class MfaAutomation {

    private static final Pattern SECRET = Pattern.compile("id=\"kinga-totp-secret\"[^>]*>([A-Z2-7 ]+)<");
    private static final Pattern URI_LINK = Pattern.compile("id=\"kinga-totp-uri\" href=\"([^\"]+)\"");
    private static final Pattern CODE = Pattern.compile("<li><code>([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})</code></li>");
    private static final Map<String, Deque<String>> BACKUP_CODES = new ConcurrentHashMap<>();

    private MfaAutomation() {
    }

    /** Follows MFA pages until Keycloak redirects (or shows something else, e.g. a wrong password). */
    public static KeycloakClient.Page complete(String username, KeycloakClient.Page page) {
        for (int step = 0; step < 10; step++) {
            if (page.has("kinga-totp-enrol-form")) {
                Enrolment enrolment = enrolment(page.html());
                page = page.post("kinga-totp-enrol-form", Map.of("otp", enrolment.currentCode(), "userLabel", "test phone"));
            } else if (page.has("kinga-backup-codes-form")) {
                BACKUP_CODES.put(username, new ArrayDeque<>(backupCodes(page.html())));
                page = page.post("kinga-backup-codes-form", Map.of("stored", ""));
            } else if (page.has("kinga-totp-form")) {
                page = page.post("kinga-totp-form", Map.of("mode", "totp", "use_backup_code", ""));
            } else if (page.has("kinga-backup-code-form")) {
                Deque<String> codes = BACKUP_CODES.get(username);
                if (codes == null || codes.isEmpty()) {
                    throw new AssertionError("No backup code of " + username + " left to log in with");
                }
                page = page.post("kinga-backup-code-form", Map.of("mode", "backup", "backup_code", codes.pop()));
            } else {
                return page;
            }
        }
        return page;
    }

    /** Hands the automation backup codes a test got elsewhere, so it can answer this user's MFA pages. */
    public static void remember(String username, List<String> backupCodes) {
        BACKUP_CODES.put(username, new ArrayDeque<>(backupCodes));
    }

    /** The secret and parameters an enrolment page shows. */
    public record Enrolment(byte[] secret, Totp totp) {
        public String code(long epochSeconds) {
            return totp.code(secret, totp.step(epochSeconds));
        }

        public String currentCode() {
            return code(System.currentTimeMillis() / 1000);
        }

        /**
         * A code not used yet after one used at {@code usedAt}: the current step's, or the next
         * step's while the clock is still in the used step (accepted as drift).
         */
        public String codeAfter(long usedAt) {
            long now = System.currentTimeMillis() / 1000;
            return totp.code(secret, Math.max(totp.step(now), totp.step(usedAt) + 1));
        }
    }

    public static Enrolment enrolment(String html) {
        Matcher secret = SECRET.matcher(html);
        Matcher uri = URI_LINK.matcher(html);
        if (!secret.find() || !uri.find()) {
            throw new AssertionError("Not a TOTP enrolment page:\n" + html);
        }
        Map<String, String> query = new java.util.HashMap<>();
        for (String pair : URI.create(uri.group(1).replace("&amp;", "&")).getRawQuery().split("&")) {
            String[] kv = pair.split("=", 2);
            query.put(kv[0], kv.length > 1 ? kv[1] : "");
        }
        Totp totp = new Totp("Hmac" + query.get("algorithm"), Integer.parseInt(query.get("digits")), Integer.parseInt(query.get("period")));
        byte[] key = Base32.decode(secret.group(1).replace(" ", ""));
        if (!secret.group(1).replace(" ", "").equals(query.get("secret"))) {
            throw new AssertionError("The key shown and the key in the QR code's URI differ");
        }
        return new Enrolment(key, totp);
    }

    public static List<String> backupCodes(String html) {
        Matcher m = CODE.matcher(html);
        List<String> codes = new java.util.ArrayList<>();
        while (m.find()) {
            codes.add(m.group(1));
        }
        if (codes.isEmpty()) {
            throw new AssertionError("No backup codes on the page:\n" + html);
        }
        return codes;
    }
}
