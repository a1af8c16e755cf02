package dev.kinga.sidecar.security;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@QuarkusTestResource(TestTokens.class)
@TestProfile(RateLimitTest.ThreePerMinute.class)
class RateLimitTest {

    public static class ThreePerMinute implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("kinga.rate-limit.requests-per-minute", "3");
        }
    }

    @Test
    void aClientOverItsLimitGets429WithRetryAfterWhileOthersGoOn() {
        String busy = TestTokens.withRoles("auditor");
        for (int i = 0; i < 3; i++) {
            assertEquals(200, detect(busy).statusCode());
        }
        Response limited = detect(busy);
        assertEquals(429, limited.statusCode());
        assertEquals("rate_limited", limited.jsonPath().getString("error"));
        assertTrue(Integer.parseInt(limited.header("Retry-After")) >= 1);
        assertEquals(200, detect(TestTokens.withRoles("privacy-officer")).statusCode(), "another client is not limited");
    }

    private static Response detect(String token) {
        return RestAssured.given().contentType("application/json").header("Authorization", "Bearer " + token)
                .body("{\"text\":\"hello\"}").post("/api/v1/pii/detect");
    }
}
