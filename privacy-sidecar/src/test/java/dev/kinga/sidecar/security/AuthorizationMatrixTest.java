package dev.kinga.sidecar.security;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** Every endpoint x every kind of caller -> the documented status, with the error shape and no leak. */
@QuarkusTest
@QuarkusTestResource(TestTokens.class)
class AuthorizationMatrixTest {

    private static final String SECRET_TEXT = "Call +254 712 345 678";

    private record Endpoint(String path, String body, List<String> allowed) {
    }

    private static final List<Endpoint> ENDPOINTS = List.of(
            new Endpoint("/api/v1/pii/detect", "{\"text\":\"" + SECRET_TEXT + "\"}",
                    List.of("privacy-officer", "security-officer", "auditor")),
            new Endpoint("/api/v1/pii/anonymize", "{\"text\":\"" + SECRET_TEXT + "\"}",
                    List.of("privacy-officer", "security-officer")),
            new Endpoint("/api/v1/pii/detokenize", "{\"tokens\":[\"tok_phone_00\"]}", List.of("privacy-officer")),
            new Endpoint("/api/v1/pii/k-anonymity", "{\"rows\":[{\"a\":1}],\"quasiIdentifiers\":[\"a\"]}",
                    List.of("privacy-officer", "security-officer")));

    private static final List<String> ROLES = List.of("privacy-officer", "security-officer", "auditor", "user", "therapist");

    @Test
    void everyEndpointAnswersEveryCallerAsDocumented() {
        for (Endpoint e : ENDPOINTS) {
            expectError(call(e, null), 401, e.path() + " without a token");
            expectError(call(e, TestTokens.expired("privacy-officer")), 401, e.path() + " expired");
            expectError(call(e, TestTokens.wrongSignature("privacy-officer")), 401, e.path() + " wrong signature");
            expectError(call(e, TestTokens.otherRealm("privacy-officer")), 401, e.path() + " another realm");
            expectError(call(e, "not.a.jwt"), 401, e.path() + " garbage");
            for (String role : ROLES) {
                Response response = call(e, TestTokens.withRoles(role));
                if (e.allowed().contains(role)) {
                    assertEquals(200, response.statusCode(), e.path() + " as " + role + ": " + response.asString());
                } else {
                    expectError(response, 403, e.path() + " as " + role);
                }
            }
        }
    }

    @Test
    void securityHeadersAreOnEveryResponse() {
        for (Response response : List.of(call(ENDPOINTS.get(0), null), call(ENDPOINTS.get(0), TestTokens.withRoles("auditor")),
                RestAssured.get("/q/health/live"))) {
            assertEquals("nosniff", response.header("X-Content-Type-Options"));
            assertEquals("DENY", response.header("X-Frame-Options"));
            assertEquals("no-referrer", response.header("Referrer-Policy"));
            assertNotNull(response.header("Strict-Transport-Security"));
            assertEquals("no-store", response.header("Cache-Control"));
        }
    }

    private static Response call(Endpoint e, String token) {
        var request = RestAssured.given().contentType("application/json").body(e.body());
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return request.post(e.path());
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
