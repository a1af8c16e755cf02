package dev.kinga.sidecar.security;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every endpoint x every kinga-api permission of the catalogue (and every kind of bad token) ->
 * the documented status, with the error shape and no leak. Permissions decide, never role names.
 */
@QuarkusTest
@QuarkusTestResource(TestTokens.class)
class AuthorizationMatrixTest {

    private static final String SECRET_TEXT = "Call +254 712 345 678";

    private record Endpoint(String method, String path, String body, Set<String> required) {
        @Override
        public String toString() {
            return method + " " + path + (body == null ? "" : " " + body);
        }
    }

    private static final List<Endpoint> ENDPOINTS = List.of(
            new Endpoint("POST", "/api/v1/pii/detect", "{\"text\":\"" + SECRET_TEXT + "\"}", Set.of("pii:detect")),
            new Endpoint("POST", "/api/v1/pii/anonymize", "{\"text\":\"" + SECRET_TEXT + "\"}", Set.of("pii:anonymize")),
            new Endpoint("POST", "/api/v1/pii/anonymize",
                    "{\"text\":\"" + SECRET_TEXT + "\",\"operators\":{\"PHONE\":{\"type\":\"tokenize\",\"scheme\":\"deterministic\","
                            + "\"domain\":\"research\"}}}", Set.of("pii:anonymize", "pii:tokenize-deterministic")),
            new Endpoint("POST", "/api/v1/pii/anonymize",
                    "{\"text\":\"" + SECRET_TEXT + "\",\"operators\":{\"PHONE\":{\"type\":\"hash\"}}}",
                    Set.of("pii:anonymize", "pii:tokenize-deterministic")),
            new Endpoint("POST", "/api/v1/pii/anonymize",
                    "{\"document\":{\"name\":\"Amina\"},\"fieldRules\":{\"name\":{\"type\":\"pseudonym\"}}}",
                    Set.of("pii:anonymize", "pii:tokenize-deterministic")),
            new Endpoint("POST", "/api/v1/pii/anonymize",
                    "{\"document\":{\"name\":\"Amina\"},\"fieldRules\":{\"name\":{\"type\":\"hash\"}}}",
                    Set.of("pii:anonymize", "pii:tokenize-deterministic")),
            new Endpoint("POST", "/api/v1/pii/k-anonymity", "{\"rows\":[{\"a\":1}],\"quasiIdentifiers\":[\"a\"]}", Set.of("pii:anonymize")),
            new Endpoint("POST", "/api/v1/pii/detokenize", "{\"tokens\":[\"tok_phone_00\"],\"purpose\":\"matrix test\"}",
                    Set.of("pii:detokenize")),
            new Endpoint("GET", "/api/v1/audit/records", null, Set.of("audit:read")),
            new Endpoint("GET", "/api/v1/audit/verify", null, Set.of("audit:read")),
            new Endpoint("GET", "/api/v1/audit/intake", null, Set.of("audit:read")),
            new Endpoint("GET", "/api/v1/alerts", null, Set.of("security-alerts:read")),
            new Endpoint("GET", "/api/v1/alerts/summary", null, Set.of("security-alerts:read")),
            new Endpoint("GET", "/api/v1/dsr", null, Set.of("dsr:manage")),
            new Endpoint("GET", "/api/v1/consent/purposes", null, Set.of("consent:manage")),
            new Endpoint("GET", "/api/v1/connectors", null, Set.of("connectors:manage")),
            new Endpoint("GET", "/api/v1/me/consents", null, Set.of("own-data:read")),
            new Endpoint("GET", "/api/v1/me/requests", null, Set.of("own-data:read")));

    /** Every permission realm-config/roles.yaml defines for kinga-api, read from the catalogue itself. */
    private static List<String> cataloguePermissions() throws IOException {
        String yaml = Files.readString(Path.of("../realm-config/roles.yaml"));
        String block = yaml.substring(yaml.indexOf("    permissions:\n"), yaml.indexOf("\nroles:"));
        List<String> permissions = new ArrayList<>();
        Matcher m = Pattern.compile("^ {6}\"([^\"]+)\":", Pattern.MULTILINE).matcher(block);
        while (m.find()) {
            permissions.add(m.group(1));
        }
        return permissions;
    }

    @Test
    void everyEndpointAnswersEveryPermissionAsDocumented() throws IOException {
        List<String> permissions = cataloguePermissions();
        assertTrue(permissions.size() >= 20 && permissions.containsAll(List.of("pii:detect", "pii:anonymize",
                "pii:tokenize-deterministic", "pii:detokenize", "audit:read")), permissions.toString());
        for (Endpoint e : ENDPOINTS) {
            for (String permission : permissions) {
                Set<String> held = new java.util.HashSet<>(e.required());
                held.remove(permission);
                if (held.isEmpty() || e.required().size() == 1) {
                    held = Set.of(permission);
                }
                Response response = call(e, token(e, held.toArray(String[]::new)));
                if (held.containsAll(e.required())) {
                    assertEquals(200, response.statusCode(), e + " with " + held + ": " + response.asString());
                } else {
                    expectError(response, 403, e + " with " + held);
                }
            }
            assertEquals(200, call(e, token(e, permissions.toArray(String[]::new))).statusCode(),
                    e + " with every permission");
            List<String> allButRequired = permissions.stream().filter(p -> !e.required().contains(p)).toList();
            expectError(call(e, token(e, allButRequired.toArray(String[]::new))), 403, e + " with all others");
        }
    }

    @Test
    void tokensThatAreNotTheSidecarsAreRefused() {
        for (Endpoint e : ENDPOINTS) {
            String[] all = e.required().toArray(String[]::new);
            expectError(call(e, null), 401, e + " without a token");
            expectError(call(e, TestTokens.token().permissions(all).expired().sign()), 401, e + " expired");
            expectError(call(e, TestTokens.token().permissions(all).strangersKey().sign()), 401, e + " wrong signature");
            expectError(call(e, TestTokens.token().permissions(all).otherRealm().sign()), 401, e + " another realm");
            expectError(call(e, TestTokens.token().permissions(all).audience("kinga-web", "kinga-api").azp("kinga-web").sign()), 401,
                    e + " issued to the SPA, not the sidecar");
            expectError(call(e, TestTokens.token().permissions(all).audience().sign()), 401, e + " with no audience");
            expectError(call(e, "not.a.jwt"), 401, e + " garbage");
        }
    }

    @Test
    void roleNamesGrantNothingByThemselves() {
        // A token whose realm roles say privacy-officer but which carries no kinga-api permission.
        String token = io.smallrye.jwt.build.Jwt.issuer(TestTokens.issuer())
                .subject("someone").audience("kinga-sidecar").claim("azp", "kinga-compliance-cli").claim("sid", "a-session")
                .claim("realm_access", Map.of("roles", List.of("privacy-officer",
                        "security-officer", "auditor"))).claim("auth_time", System.currentTimeMillis() / 1000)
                .claim("amr", List.of("mfa")).expiresIn(300).jws().keyId("test").sign(TestTokens.trustedKey());
        for (Endpoint e : ENDPOINTS) {
            expectError(call(e, token), 403, e + " with role names only");
        }
    }

    @Test
    void securityHeadersAreOnEveryResponse() {
        for (Response response : List.of(call(ENDPOINTS.get(0), null), call(ENDPOINTS.get(0), TestTokens.withPermissions("pii:detect")),
                call(ENDPOINTS.get(0), TestTokens.withPermissions("audit:read")))) {
            assertEquals("nosniff", response.header("X-Content-Type-Options"));
            assertEquals("DENY", response.header("X-Frame-Options"));
            assertEquals("no-referrer", response.header("Referrer-Policy"));
            assertNotNull(response.header("Strict-Transport-Security"));
            assertEquals("no-store", response.header("Cache-Control"));
        }
    }

    /** A token of the client the endpoint is for: the self-service page's under /api/v1/me/, the compliance CLI's elsewhere. */
    private static String token(Endpoint e, String... permissions) {
        return e.path().startsWith("/api/v1/me/") ? TestTokens.token().azp(TestTokens.PAGE_CLIENT).permissions(permissions).sign()
                : TestTokens.withPermissions(permissions);
    }

    @Test
    void onlyTheClientsEachEndpointIsForAndOnlyPeopleSignedInAreServed() {
        for (Endpoint e : ENDPOINTS) {
            String[] all = e.required().toArray(String[]::new);
            boolean own = e.path().startsWith("/api/v1/me/");
            Response forged = call(e, TestTokens.token().azp("made-by-a-client-admin").permissions(all).sign());
            expectError(forged, 403, e + " from a client made with an audience and hardcoded-role mappers");
            assertEquals("client_not_allowed", forged.jsonPath().getString("error"));
            Response machine = call(e, TestTokens.token().azp(own ? TestTokens.PAGE_CLIENT : "kinga-compliance-cli").serviceAccount()
                    .permissions(all).sign());
            expectError(machine, 403, e + " with a client_credentials token of an allowed client");
            assertEquals("service_account_refused", machine.jsonPath().getString("error"));
            Response otherGroup = call(e, TestTokens.token().azp(own ? "kinga-compliance-cli" : TestTokens.PAGE_CLIENT).permissions(all).sign());
            expectError(otherGroup, 403, e + " with the other group's client");
        }
        // The integration client named in kinga.clients.integrations: text-only PII endpoints, nothing stored.
        String integration = TestTokens.token().azp("kinga-reports-service").serviceAccount()
                .permissions("pii:detect", "pii:anonymize", "pii:detokenize", "audit:read").sign();
        assertEquals(200, call(ENDPOINTS.get(0), integration).statusCode(), "detect");
        assertEquals(200, call(ENDPOINTS.get(1), integration).statusCode(), "anonymize");
        for (Endpoint e : ENDPOINTS.subList(6, ENDPOINTS.size())) {
            expectError(call(e, integration), 403, e + " by the integration client");
        }

        String officer = TestTokens.asRole("security-officer");
        String alerts = RestAssured.given().header("Authorization", "Bearer " + officer).get("/api/v1/alerts?rule=unexpected-client").asString();
        assertTrue(alerts.contains("\"actorClientId\":\"made-by-a-client-admin\""), alerts);
        String trail = RestAssured.given().header("Authorization", "Bearer " + TestTokens.asRole("auditor"))
                .get("/api/v1/audit/records?limit=1000").asString();
        assertTrue(trail.contains("TOKEN_CLIENT_REFUSED") && trail.contains("made-by-a-client-admin"), "each refusal in the trail");
    }

    private static Response call(Endpoint e, String token) {
        var request = RestAssured.given();
        if (e.body() != null) {
            request.contentType("application/json").body(e.body());
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return "GET".equals(e.method()) ? request.get(e.path()) : request.post(e.path());
    }

    private static void expectError(Response response, int status, String what) {
        assertEquals(status, response.statusCode(), what + ": " + response.asString());
        String body = response.asString();
        assertFalse(body.contains("712 345 678"), what + " leaked the request");
        assertFalse(body.contains("Exception") || body.contains("\tat "), what + " leaked a stack trace");
        if (!body.isEmpty()) {
            Map<String, Object> error = response.jsonPath().getMap("$");
            assertNotNull(error.get("error"), what + ": " + body);
        }
    }
}
