package dev.kinga.sidecar.security;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The operational endpoints a platform team wires up: health, metrics, the OpenAPI document. */
@QuarkusTest
@QuarkusTestResource(TestTokens.class)
class ServiceEndpointsTest {

    @Test
    void healthMetricsAndOpenApiAreServed() {
        assertEquals(200, RestAssured.get("/q/health/live").statusCode());
        assertEquals(200, RestAssured.get("/q/health/ready").statusCode());

        RestAssured.given().contentType("application/json").header("Authorization", "Bearer " + TestTokens.withRoles("auditor"))
                .body("{\"text\":\"hello\"}").post("/api/v1/pii/detect");
        String metrics = RestAssured.get("/q/metrics").asString();
        assertTrue(metrics.contains("http_server_requests_seconds_count"), "Prometheus metrics");
        assertTrue(metrics.contains("uri=\"/api/v1/pii/detect\""), "request metrics per endpoint");

        String openapi = RestAssured.given().accept("application/json").get("/q/openapi").asString();
        for (String path : new String[]{"/api/v1/pii/detect", "/api/v1/pii/anonymize", "/api/v1/pii/detokenize",
                "/api/v1/pii/k-anonymity"}) {
            assertTrue(openapi.contains(path), "OpenAPI documents " + path);
        }
    }
}
