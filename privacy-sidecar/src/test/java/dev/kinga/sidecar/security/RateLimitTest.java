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
            return Map.of("kinga.rate-limit.requests-per-minute", "3",
                    "kinga.clients.officers", "kinga-compliance-cli,another-app"); // two officer clients of one person
        }
    }

    @Test
    void aUserOverTheLimitGets429WithRetryAfterWhileOthersOfTheSameAppGoOn() {
        // Two people using the same app (same azp): the limit is per person, so one cannot starve the other.
        String busy = TestTokens.token().permissions("pii:detect").subject("busy-user").azp("kinga-compliance-cli").sign();
        String busyAgain = TestTokens.token().permissions("pii:detect").subject("busy-user").azp("another-app").sign();
        String colleague = TestTokens.token().permissions("pii:detect").subject("colleague").azp("kinga-compliance-cli").sign();
        for (int i = 0; i < 3; i++) {
            assertEquals(200, detect(i == 2 ? busyAgain : busy).statusCode());
        }
        for (String token : new String[]{busy, busyAgain}) {
            Response limited = detect(token);
            assertEquals(429, limited.statusCode(), "the same subject, whichever app and token");
            assertEquals("rate_limited", limited.jsonPath().getString("error"));
            assertTrue(Integer.parseInt(limited.header("Retry-After")) >= 1);
        }
        assertEquals(200, detect(colleague).statusCode(), "another user of the same app is not limited");
        // Without a valid token (none, or forged ones, each different): counted per address, limited all the same.
        for (int i = 0; i < 3; i++) {
            var request = RestAssured.given().contentType("application/json").body("{}");
            if (i > 0) {
                request.header("Authorization", "Bearer " + TestTokens.token().permissions("pii:detect").subject("forged-" + i)
                        .strangersKey().sign());
            }
            assertEquals(401, request.post("/api/v1/pii/detect").statusCode());
        }
        Response anonymous = RestAssured.given().contentType("application/json").header("Authorization", "Bearer "
                + TestTokens.token().subject("forged-4").strangersKey().sign()).body("{}").post("/api/v1/pii/detect");
        assertEquals(429, anonymous.statusCode(), anonymous.asString());
        assertTrue(Integer.parseInt(anonymous.header("Retry-After")) >= 1, "every 429 says when to retry");
    }

    private static Response detect(String token) {
        return RestAssured.given().contentType("application/json").header("Authorization", "Bearer " + token)
                .body("{\"text\":\"hello\"}").post("/api/v1/pii/detect");
    }
}
