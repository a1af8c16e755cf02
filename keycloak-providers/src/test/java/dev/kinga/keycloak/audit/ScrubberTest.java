package dev.kinga.keycloak.audit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScrubberTest {

    @Test
    void redactsClientSecretsAndCredentialValuesInRepresentations() {
        JsonNode scrubbed = Scrubber.representation("""
                {"clientId":"app","secret":"s3cr3t-value","attributes":{"client.secret.creation.time":"1700"},
                 "credentials":[{"type":"password","value":"Hunter2!hunter2","temporary":false}],
                 "config":{"bindCredential":["ldap-pass"],"clientSecret":"idp-secret","connectionUrl":"ldap://x"},
                 "passwordPolicy":"length(12)","otpPolicyDigits":6,"accessTokenLifespan":300}
                """);
        String text = scrubbed.toString();
        for (String secret : new String[]{"s3cr3t-value", "Hunter2!hunter2", "ldap-pass", "idp-secret"}) {
            assertFalse(text.contains(secret), secret + " leaked: " + text);
        }
        assertEquals("app", scrubbed.path("clientId").asText());
        assertEquals("length(12)", scrubbed.path("passwordPolicy").asText(), "a policy is not a secret");
        assertEquals(6, scrubbed.path("otpPolicyDigits").asInt());
        assertEquals(300, scrubbed.path("accessTokenLifespan").asInt());
        assertEquals("ldap://x", scrubbed.path("config").path("connectionUrl").asText());
        assertEquals("password", scrubbed.path("credentials").get(0).path("type").asText());
    }

    @Test
    void redactsTokenShapedValuesWhateverTheirName() {
        String jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJl";
        JsonNode scrubbed = Scrubber.representation("{\"note\":\"here: " + jwt + "\",\"header\":\"Bearer abcdefghijklmnop\"}");
        assertFalse(scrubbed.toString().contains(jwt));
        assertFalse(scrubbed.toString().contains("abcdefghijklmnop"));
    }

    @Test
    void keepsIdentifiersButDropsSecretsInEventDetails() {
        JsonNode details = Scrubber.details(Map.of("token_id", "abc", "credential_type", "otp", "username", "amani",
                "otp", "123456", "password", "pw", "client_secret", "cs", "refresh_token", "rt"));
        assertEquals("abc", details.path("token_id").asText());
        assertEquals("otp", details.path("credential_type").asText());
        assertEquals("amani", details.path("username").asText());
        for (String key : new String[]{"otp", "password", "client_secret", "refresh_token"}) {
            assertEquals(Scrubber.REDACTED, details.path(key).asText(), key);
        }
    }

    @Test
    void dropsUnparsableRepresentationsInsteadOfStoringThemRaw() {
        JsonNode scrubbed = Scrubber.representation("secret=abc; not json {");
        assertTrue(scrubbed.isTextual());
        assertFalse(scrubbed.asText().contains("abc"));
    }
}
