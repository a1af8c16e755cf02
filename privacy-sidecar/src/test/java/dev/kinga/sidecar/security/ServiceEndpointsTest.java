package dev.kinga.sidecar.security;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The operational endpoints a platform team wires up (health, metrics, the OpenAPI document) are
 * on the management interface, not on the API port that applications and the internet reach.
 */
@QuarkusTest
@QuarkusTestResource(TestTokens.class)
class ServiceEndpointsTest {

    private static String management() {
        int port = ConfigProvider.getConfig().getValue("quarkus.management.test-port", Integer.class);
        assertNotEquals(0, port, "the management interface listens on a port of its own");
        assertNotEquals(RestAssured.port, port);
        return "http://localhost:" + port;
    }

    @Test
    void healthMetricsAndOpenApiAreOnTheManagementPortOnly() {
        String management = management();
        assertEquals(200, RestAssured.get(management + "/q/health/live").statusCode());
        assertEquals(200, RestAssured.get(management + "/q/health/ready").statusCode());

        RestAssured.given().contentType("application/json").header("Authorization", "Bearer " + TestTokens.withPermissions("pii:detect"))
                .body("{\"text\":\"hello\"}").post("/api/v1/pii/detect");
        String metrics = RestAssured.get(management + "/q/metrics").asString();
        assertTrue(metrics.contains("http_server_requests_seconds_count"), "Prometheus metrics");
        assertTrue(metrics.contains("uri=\"/api/v1/pii/detect\""), "request metrics per endpoint");

        String openapi = RestAssured.given().accept("application/json").get(management + "/q/openapi").asString();
        for (String path : new String[]{"/api/v1/pii/detect", "/api/v1/pii/anonymize", "/api/v1/pii/detokenize",
                "/api/v1/pii/k-anonymity", "/api/v1/audit/records", "/api/v1/audit/verify"}) {
            assertTrue(openapi.contains(path), "OpenAPI documents " + path);
        }

        for (String path : new String[]{"/q/metrics", "/q/openapi", "/q/health/ready", "/q/swagger-ui/", "/q/dev-ui/"}) {
            int status = RestAssured.get(path).statusCode();
            assertEquals(404, status, path + " on the API port");
        }
    }
}
