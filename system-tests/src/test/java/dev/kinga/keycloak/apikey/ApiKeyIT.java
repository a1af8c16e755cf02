package dev.kinga.keycloak.apikey;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kinga.keycloak.testing.KeycloakClient;
import dev.kinga.keycloak.testing.KeycloakExtension;
import dev.kinga.keycloak.testing.KeycloakServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.kinga.keycloak.testing.DemoUsers.PASSWORD;
import static dev.kinga.keycloak.testing.DemoUsers.REALM;
import static dev.kinga.keycloak.testing.DemoUsers.USER;
import static dev.kinga.keycloak.testing.KeycloakClient.claims;
import static dev.kinga.keycloak.testing.KeycloakClient.expect;
import static dev.kinga.keycloak.testing.KeycloakClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** API keys on a real Keycloak: admin API, token endpoint, gateway introspection, lifecycle, events. */
@ExtendWith(KeycloakExtension.class)
class ApiKeyIT {

    static final String SERVICE = "kinga-reports-service";
    static final String GATEWAY = "kinga-gateway";
    static final String KEYS = "/" + REALM + "/kinga-api-keys/clients/";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void keyObtainsATokenLimitedToItsScopesAndIsActiveAtTheGateway(KeycloakClient kc) {
        JsonNode created = createKey(kc, SERVICE, List.of("kinga-api/metrics:read"));
        String apiKey = created.path("apiKey").asText();
        String prefix = created.path("key").path("prefix").asText();
        assertTrue(apiKey.matches("kinga_[0-9A-Za-z]{12}_[0-9A-Za-z]{49}"), apiKey);
        assertTrue(apiKey.startsWith(prefix + "_"));
        assertEquals("active", created.path("key").path("status").asText());
        assertFalse(created.path("key").toString().contains(apiKey.substring(prefix.length())), "metadata holds no secret");

        // The service account holds system + analyst (+ researcher): the key narrows that to one permission.
        JsonNode token = claims(json(expect(tokenWithKey(kc, apiKey, null), 200)).path("access_token").asText());
        assertEquals(List.of("metrics:read"), texts(token.path("resource_access").path("kinga-api").path("roles")));
        assertTrue(token.path("realm_access").path("roles").isMissingNode() || token.path("realm_access").path("roles").isEmpty(),
                "no realm roles outside the key's scopes: " + token.path("realm_access"));
        assertEquals(prefix, token.path("kinga_api_key").asText());
        assertEquals(SERVICE, token.path("azp").asText());

        // HTTP Basic with the client id works too; a broader key gets the realm role it names.
        JsonNode broad = createKey(kc, SERVICE, List.of("analyst", "kinga-api/metrics:read", "kinga-api/research-data:read"));
        JsonNode broadToken = claims(json(expect(tokenWithBasic(kc, SERVICE, broad.path("apiKey").asText()), 200))
                .path("access_token").asText());
        assertEquals(List.of("analyst"), texts(broadToken.path("realm_access").path("roles")));
        assertEquals(List.of("metrics:read", "research-data:read"),
                texts(broadToken.path("resource_access").path("kinga-api").path("roles")));

        JsonNode introspection = json(expect(introspect(kc, apiKey, null), 200));
        assertTrue(introspection.path("active").asBoolean());
        assertEquals(SERVICE, introspection.path("client_id").asText());
        assertEquals(prefix, introspection.path("api_key").asText());
        assertEquals(List.of("kinga-api/metrics:read"), texts(introspection.path("scopes")));
        assertTrue(introspection.path("exp").asLong() > System.currentTimeMillis() / 1000 + 29 * 86_400L);

        JsonNode listed = kc.adminGet(KEYS + SERVICE + "/keys");
        assertTrue(listed.toString().contains(prefix));
        assertFalse(listed.toString().contains(apiKey), "listing never shows a key");
        assertTrue(kc.adminGet(KEYS + SERVICE + "/keys/" + prefix).hasNonNull("lastUsedAt"), "use is recorded");
    }

    @Test
    void revokedKeyIsRefusedAtOnceByTokenEndpointAndGateway(KeycloakClient kc) {
        JsonNode created = createKey(kc, SERVICE, List.of("kinga-api/metrics:read"));
        String apiKey = created.path("apiKey").asText();
        String prefix = created.path("key").path("prefix").asText();
        expect(tokenWithKey(kc, apiKey, null), 200);
        assertTrue(json(introspect(kc, apiKey, null)).path("active").asBoolean()); // now cached on the node

        JsonNode revoked = json(expect(kc.admin("POST", KEYS + SERVICE + "/keys/" + prefix + "/revoke", null), 200));
        assertEquals("revoked", revoked.path("status").asText());

        assertInvalidClient(tokenWithKey(kc, apiKey, null));
        assertEquals(Map.of("active", false), KeycloakClient.JSON.convertValue(json(introspect(kc, apiKey, null)), Map.class));

        JsonNode events = kc.adminGet("/" + REALM + "/events?type=CLIENT_LOGIN_ERROR&client=" + SERVICE + "&max=20");
        assertTrue(hasEvent(events, prefix, "revoked"), "a CLIENT_LOGIN_ERROR event with reason revoked: " + events);
        assertFalse(events.toString().contains(apiKey.substring(prefix.length())), "events never hold the secret");
        JsonNode adminEvents = kc.adminGet("/" + REALM + "/admin-events?resourceTypes=CUSTOM&max=200");
        assertTrue(adminEvents.toString().contains(prefix + "\""), "create and revoke are admin events");
        assertFalse(adminEvents.toString().contains(apiKey), "admin events never hold the key");
    }

    @Test
    void expiredKeyIsRefused(KeycloakClient kc, KeycloakServer server) throws Exception {
        JsonNode created = createKey(kc, SERVICE, List.of("kinga-api/metrics:read"));
        String apiKey = created.path("apiKey").asText();
        try (Connection db = server.openDatabase();
             PreparedStatement expire = db.prepareStatement("update KINGA_API_KEY set EXPIRES_AT = ? where PREFIX = ?")) {
            expire.setLong(1, System.currentTimeMillis() / 1000 - 1);
            expire.setString(2, created.path("key").path("prefix").asText());
            assertEquals(1, expire.executeUpdate());
        }
        assertInvalidClient(tokenWithKey(kc, apiKey, null));
        assertFalse(json(introspect(kc, apiKey, null)).path("active").asBoolean());
        assertEquals("expired", kc.adminGet(KEYS + SERVICE + "/keys/" + created.path("key").path("prefix").asText())
                .path("status").asText());
    }

    @Test
    void rotationKeepsTheOldKeyForTheOverlapThenEndsIt(KeycloakClient kc) {
        JsonNode first = createKey(kc, SERVICE, List.of("kinga-api/metrics:read"));
        String oldKey = first.path("apiKey").asText();
        String oldPrefix = first.path("key").path("prefix").asText();
        expect(tokenWithKey(kc, oldKey, null), 200);

        JsonNode rotated = json(expect(kc.admin("POST", KEYS + SERVICE + "/keys/" + oldPrefix + "/rotate",
                Map.of("overlapHours", 1)), 201));
        String newKey = rotated.path("apiKey").asText();
        assertNotEquals(oldKey, newKey);
        assertEquals(oldPrefix, rotated.path("key").path("rotatedFrom").asText());
        assertEquals(List.of("kinga-api/metrics:read"), texts(rotated.path("key").path("scopes")));
        expect(tokenWithKey(kc, newKey, null), 200);
        expect(tokenWithKey(kc, oldKey, null), 200); // within the overlap
        JsonNode old = kc.adminGet(KEYS + SERVICE + "/keys/" + oldPrefix);
        assertEquals(rotated.path("key").path("prefix").asText(), old.path("replacedBy").asText());

        JsonNode again = json(expect(kc.admin("POST", KEYS + SERVICE + "/keys/" + rotated.path("key").path("prefix").asText()
                + "/rotate", Map.of("overlapHours", 0)), 201));
        assertInvalidClient(tokenWithKey(kc, newKey, null)); // no overlap: the replaced key ends now
        expect(tokenWithKey(kc, again.path("apiKey").asText(), null), 200);
    }

    @Test
    void keyOfOneClientCannotAuthenticateAnother(KeycloakClient kc) {
        String other = createApiKeyClient(kc);
        JsonNode created = createKey(kc, SERVICE, List.of("kinga-api/metrics:read"));
        String apiKey = created.path("apiKey").asText();
        assertInvalidClient(tokenWithKey(kc, apiKey, other));
        assertInvalidClient(tokenWithBasic(kc, other, apiKey));
        JsonNode events = kc.adminGet("/" + REALM + "/events?type=CLIENT_LOGIN_ERROR&max=50");
        assertTrue(hasEvent(events, created.path("key").path("prefix").asText(), "client_mismatch"), events.toString());

        JsonNode ownKey = createKey(kc, other, List.of("system"));
        JsonNode token = claims(json(expect(tokenWithKey(kc, ownKey.path("apiKey").asText(), other), 200)).path("access_token").asText());
        assertEquals(other, token.path("azp").asText());
        assertEquals(List.of("system"), texts(token.path("realm_access").path("roles")));
    }

    @Test
    void badKeysAllGetTheSameInvalidClientAnswer(KeycloakClient kc) {
        String apiKey = createKey(kc, SERVICE, List.of("kinga-api/metrics:read")).path("apiKey").asText();
        char last = apiKey.charAt(apiKey.length() - 7);
        String wrongChecksum = apiKey.substring(0, apiKey.length() - 1) + (apiKey.endsWith("0") ? "1" : "0");
        String alteredBody = apiKey.substring(0, apiKey.length() - 7) + (last == 'a' ? 'b' : 'a');
        String wrongSecret = alteredBody + ApiKeyFormat.checksum(alteredBody); // well-formed, right prefix, wrong secret
        String unknown = new ApiKeyFormat(new SecureRandom()).generate();
        List<String> bad = List.of(wrongChecksum, wrongSecret, apiKey.substring(0, 40), unknown,
                apiKey.substring(0, 20) + "é" + apiKey.substring(21), "٣".repeat(68), "k".repeat(10_240), "", " ");
        String reference = null;
        for (String key : bad) {
            HttpResponse<String> response = tokenWithKey(kc, key, SERVICE);
            assertInvalidClient(response);
            if (reference == null) {
                reference = response.body();
            }
            assertEquals(reference, response.body(), "every refusal reads the same");
            assertFalse(json(introspect(kc, key, null)).path("active").asBoolean());
        }
        JsonNode events = kc.adminGet("/" + REALM + "/events?type=CLIENT_LOGIN_ERROR&max=200");
        assertTrue(events.toString().contains("\"bad_checksum\""), events.toString());
        assertTrue(events.toString().contains("\"wrong_secret\""));
        assertTrue(events.toString().contains("\"unknown_key\""));
        assertTrue(events.toString().contains("\"malformed\""));
    }

    @Test
    void tokenRequestsBeyondTheKeysRateGet429WithRetryAfter(KeycloakClient kc) {
        String apiKey = createKey(kc, SERVICE, List.of("kinga-api/metrics:read")).path("apiKey").asText();
        HttpResponse<String> last = null;
        for (int i = 0; i < KeycloakExtension.API_KEY_BURST + 5; i++) {
            last = tokenWithKey(kc, apiKey, null);
            if (last.statusCode() == 429) {
                break;
            }
            assertEquals(200, last.statusCode(), last.body() + " " + kc.adminGet("/" + REALM + "/events?type=CLIENT_LOGIN_ERROR&max=3"));
        }
        assertEquals(429, last.statusCode());
        long retryAfter = Long.parseLong(last.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(retryAfter >= 1 && retryAfter <= 60, "Retry-After " + retryAfter + " (one token a minute on the test server)");
        assertEquals("too_many_requests", json(last).path("error").asText());
        // Other keys are not affected.
        expect(tokenWithKey(kc, createKey(kc, SERVICE, List.of("kinga-api/metrics:read")).path("apiKey").asText(), null), 200);
    }

    @Test
    void addressAllowListIsEnforced(KeycloakClient kc) {
        String elsewhere = createKey(kc, SERVICE, List.of("kinga-api/metrics:read"), List.of("10.0.0.0/8")).path("apiKey").asText();
        assertInvalidClient(tokenWithKey(kc, elsewhere, null));
        assertFalse(json(introspect(kc, elsewhere, "192.0.2.7")).path("active").asBoolean());
        assertTrue(json(introspect(kc, elsewhere, "10.1.2.3")).path("active").asBoolean());

        String local = createKey(kc, SERVICE, List.of("kinga-api/metrics:read"), List.of("127.0.0.1/32", "::1/128"))
                .path("apiKey").asText();
        expect(tokenWithKey(kc, local, null), 200);
    }

    @Test
    void noSecretIsStoredAnywhereInTheDatabase(KeycloakClient kc, KeycloakServer server) throws Exception {
        JsonNode created = createKey(kc, SERVICE, List.of("kinga-api/metrics:read"));
        String apiKey = created.path("apiKey").asText();
        String secret = apiKey.substring(created.path("key").path("prefix").asText().length() + 1, apiKey.length() - 6);
        expect(tokenWithKey(kc, apiKey, null), 200);
        tokenWithKey(kc, apiKey.substring(0, apiKey.length() - 1) + "x", null); // a refused attempt too
        introspect(kc, apiKey, null);
        expect(kc.admin("POST", KEYS + SERVICE + "/keys/" + created.path("key").path("prefix").asText() + "/revoke", null), 200);

        int cells = 0;
        List<String> hits = new ArrayList<>();
        try (Connection db = server.openDatabase()) {
            DatabaseMetaData meta = db.getMetaData();
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = meta.getTables(null, server.database().postgres() ? "public" : "PUBLIC", "%", new String[] {"TABLE"})) {
                while (rs.next()) {
                    tables.add(rs.getString("TABLE_NAME"));
                }
            }
            assertTrue(tables.stream().anyMatch(t -> t.equalsIgnoreCase("KINGA_API_KEY")), tables.toString());
            for (String table : tables) {
                try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("select * from \"" + table + "\"")) {
                    ResultSetMetaData columns = rs.getMetaData();
                    while (rs.next()) {
                        for (int c = 1; c <= columns.getColumnCount(); c++) {
                            Object value = rs.getObject(c);
                            String text = value instanceof byte[] bytes ? new String(bytes, StandardCharsets.ISO_8859_1) : String.valueOf(value);
                            cells++;
                            if (text.contains(secret) || text.contains(apiKey)) {
                                hits.add(table + "." + columns.getColumnName(c));
                            }
                        }
                    }
                }
            }
        }
        assertTrue(cells > 1000, "the scan read the database (" + cells + " cells)");
        assertEquals(List.of(), hits, "the key's secret is stored nowhere");
    }

    @Test
    void adminApiRefusesBadRequestsClearly(KeycloakClient kc) {
        assertError(kc.admin("POST", KEYS + SERVICE + "/keys", "{not json"), 400, "not valid JSON");
        assertError(kc.admin("POST", KEYS + SERVICE + "/keys", Map.of("scopes", List.of("system"), "expiresInDays", 5)), 400, "name");
        assertError(kc.admin("POST", KEYS + SERVICE + "/keys", Map.of("name", "x", "scopes", List.of("system"))), 400, "expires");
        assertError(kc.admin("POST", KEYS + SERVICE + "/keys", Map.of("name", "x", "scopes", List.of("system"),
                "expiresInDays", 3650)), 400, "expiresInDays");
        assertError(kc.admin("POST", KEYS + SERVICE + "/keys", Map.of("name", "x", "scopes", List.of("privacy-officer"),
                "expiresInDays", 5)), 400, "privacy-officer");
        assertError(kc.admin("POST", KEYS + SERVICE + "/keys", Map.of("name", "x", "scopes", List.of("system"),
                "expiresInDays", 5, "allowedCidrs", List.of("example.org"))), 400, "CIDR");
        assertError(kc.admin("POST", KEYS + "kinga-spa/keys", Map.of("name", "x", "scopes", List.of("user"),
                "expiresInDays", 5)), 400, "confidential");
        assertError(kc.admin("POST", KEYS + "kinga-sidecar/keys", Map.of("name", "x", "scopes", List.of("system"),
                "expiresInDays", 5)), 400, "Kinga API key");
        assertError(kc.admin("GET", KEYS + "no-such-client/keys", null), 404, "client");
        assertError(kc.admin("GET", KEYS + SERVICE + "/keys/kinga_000000000000", null), 404, "key");
        assertError(kc.admin("POST", KEYS + SERVICE + "/keys/kinga_000000000000/revoke", null), 404, "key");

        // An ordinary user of the realm may not manage keys.
        String userToken = json(expect(kc.passwordGrant(REALM, USER, PASSWORD, null), 200)).path("access_token").asText();
        assertEquals(403, kc.send("GET", kc.baseUrl() + "/admin/realms" + KEYS + SERVICE + "/keys", null, userToken).statusCode());
    }

    @Test
    void gatewayMustAuthenticateAndHoldTheGatewayRole(KeycloakClient kc) {
        String apiKey = createKey(kc, SERVICE, List.of("kinga-api/metrics:read")).path("apiKey").asText();
        assertEquals(401, post(kc.baseUrl() + "/realms/" + REALM + "/kinga-api-keys/introspect", null,
                Map.of("token", apiKey)).statusCode());
        assertEquals(401, post(kc.baseUrl() + "/realms/" + REALM + "/kinga-api-keys/introspect", basic(GATEWAY, "wrong"),
                Map.of("token", apiKey)).statusCode());
        // The sidecar's service account is a confidential client without the gateway role.
        HttpResponse<String> forbidden = post(kc.baseUrl() + "/realms/" + REALM + "/kinga-api-keys/introspect",
                basic("kinga-sidecar", clientSecret(kc, "kinga-sidecar")), Map.of("token", apiKey));
        assertEquals(403, forbidden.statusCode());
        assertEquals("access_denied", json(forbidden).path("error").asText());
    }

    @Test
    void percentEncodedBasicCredentialsAsRfc6749DefinesThemWorkAtTheTokenEndpointAndTheGateway(KeycloakClient kc) throws Exception {
        String apiKey = createKey(kc, SERVICE, List.of("kinga-api/metrics:read")).path("apiKey").asText();
        // Every character but letters and digits escaped: "kinga_" travels as "kinga%5F", as some libraries send it.
        String encoded = "Basic " + Base64.getEncoder().encodeToString(
                (escapeAll(SERVICE) + ":" + escapeAll(apiKey)).getBytes(StandardCharsets.UTF_8));
        assertTrue(new String(Base64.getDecoder().decode(encoded.substring(6)), StandardCharsets.UTF_8).contains("kinga%5F"));
        assertEquals(200, post(tokenUrl(kc), encoded, Map.of("grant_type", "client_credentials")).statusCode());

        String gateway = "Basic " + Base64.getEncoder().encodeToString(
                (escapeAll(GATEWAY) + ":" + escapeAll(clientSecret(kc, GATEWAY))).getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> introspected = post(kc.baseUrl() + "/realms/" + REALM + "/kinga-api-keys/introspect", gateway,
                Map.of("token", apiKey));
        assertEquals(200, introspected.statusCode(), introspected.body());
        assertTrue(json(introspected).path("active").asBoolean(), introspected.body());

        // A malformed escape is refused (Keycloak itself answers it, as for any client), never a token or a server error.
        HttpResponse<String> malformed = post(tokenUrl(kc), "Basic " + Base64.getEncoder().encodeToString(
                (SERVICE + ":%zz" + apiKey).getBytes(StandardCharsets.UTF_8)), Map.of("grant_type", "client_credentials"));
        assertTrue(malformed.statusCode() == 400 || malformed.statusCode() == 401, malformed.body());
        assertFalse(json(malformed).path("error").asText().isEmpty(), malformed.body());
        assertFalse(malformed.body().contains("Exception") || malformed.body().contains(apiKey), malformed.body());

        // Nimbus oauth2-oidc-sdk, both client authentication methods.
        java.net.URI token = URI.create(tokenUrl(kc));
        for (com.nimbusds.oauth2.sdk.auth.ClientAuthentication auth : List.of(
                new com.nimbusds.oauth2.sdk.auth.ClientSecretBasic(new com.nimbusds.oauth2.sdk.id.ClientID(SERVICE),
                        new com.nimbusds.oauth2.sdk.auth.Secret(apiKey)),
                new com.nimbusds.oauth2.sdk.auth.ClientSecretPost(new com.nimbusds.oauth2.sdk.id.ClientID(SERVICE),
                        new com.nimbusds.oauth2.sdk.auth.Secret(apiKey)))) {
            com.nimbusds.oauth2.sdk.TokenResponse response = com.nimbusds.oauth2.sdk.TokenResponse.parse(
                    new com.nimbusds.oauth2.sdk.TokenRequest(token, auth, new com.nimbusds.oauth2.sdk.ClientCredentialsGrant())
                            .toHTTPRequest().send());
            assertTrue(response.indicatesSuccess(), auth.getMethod() + ": " + (response.indicatesSuccess() ? ""
                    : response.toErrorResponse().getErrorObject().toJSONObject()));
        }
    }

    @Test
    void deletingAClientDeletesItsKeys(KeycloakClient kc, KeycloakServer server) throws Exception {
        String clientId = createApiKeyClient(kc);
        createKey(kc, clientId, List.of("system"));
        createKey(kc, clientId, List.of("system"));
        String id = kc.adminGet("/" + REALM + "/clients?clientId=" + clientId).get(0).path("id").asText();
        assertEquals(2, keyRows(server, id));
        expect(kc.admin("DELETE", "/" + REALM + "/clients/" + id, null), 204);
        assertEquals(0, keyRows(server, id), "no key outlives its client");
    }

    private static int keyRows(KeycloakServer server, String clientUuid) throws Exception {
        try (java.sql.Connection db = server.openDatabase();
             java.sql.PreparedStatement count = db.prepareStatement("select count(*) from KINGA_API_KEY where CLIENT_ID = ?")) {
            count.setString(1, clientUuid);
            try (java.sql.ResultSet rs = count.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** Percent-encodes every character but ASCII letters and digits. */
    private static String escapeAll(String value) {
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            out.append(Character.isLetterOrDigit(c) && c < 128 ? String.valueOf(c) : String.format("%%%02X", b & 0xff));
        }
        return out.toString();
    }

    /** One way a key stops being usable: what an admin does to its client or key. */
    private record Breakage(String reason, java.util.function.BiConsumer<String, JsonNode> apply) {
    }

    @Test
    void everyKeyTheTokenEndpointRefusesIsInactiveAtTheGatewayAndScopesAreTheCurrentOnes(KeycloakClient kc) {
        List<Breakage> breakages = List.of(
                new Breakage("revoked", (client, key) -> expect(kc.admin("POST", KEYS + client + "/keys/"
                        + key.path("key").path("prefix").asText() + "/revoke", null), 200)),
                new Breakage("client disabled", (client, key) -> updateClient(kc, client, Map.of("enabled", false))),
                new Breakage("service accounts turned off", (client, key) -> updateClient(kc, client, Map.of("serviceAccountsEnabled", false))),
                new Breakage("service-account user disabled", (client, key) -> {
                    String user = kc.adminGet("/" + REALM + "/clients/" + clientUuid(kc, client) + "/service-account-user").path("id").asText();
                    expect(kc.admin("PUT", "/" + REALM + "/users/" + user, Map.of("enabled", false)), 204);
                }),
                new Breakage("client no longer uses the Kinga authenticator", (client, key) ->
                        updateClient(kc, client, Map.of("clientAuthenticatorType", "client-secret"))),
                new Breakage("scope mapper removed", (client, key) -> {
                    String id = clientUuid(kc, client);
                    for (JsonNode mapper : kc.adminGet("/" + REALM + "/clients/" + id + "/protocol-mappers/models")) {
                        if ("kinga-api-key-scope".equals(mapper.path("protocolMapper").asText())) {
                            expect(kc.admin("DELETE", "/" + REALM + "/clients/" + id + "/protocol-mappers/models/"
                                    + mapper.path("id").asText(), null), 204);
                        }
                    }
                }));
        for (Breakage breakage : breakages) {
            String client = createApiKeyClient(kc);
            JsonNode key = createKey(kc, client, List.of("system"));
            String apiKey = key.path("apiKey").asText();
            assertEquals(200, tokenWithKey(kc, apiKey, null).statusCode(), breakage.reason());
            assertTrue(json(introspect(kc, apiKey, null)).path("active").asBoolean(), breakage.reason());
            breakage.apply().accept(client, key);
            HttpResponse<String> refused = tokenWithKey(kc, apiKey, null);
            assertTrue(refused.statusCode() == 400 || refused.statusCode() == 401, "token endpoint, " + breakage.reason() + ": "
                    + refused.statusCode() + " " + refused.body());
            JsonNode answer = json(introspect(kc, apiKey, null));
            assertFalse(answer.path("active").asBoolean(), "gateway, " + breakage.reason() + ": " + answer);
        }

        // Roles the service account no longer holds leave the key's answer, as they leave its tokens.
        String client = createApiKeyClient(kc);
        String apiKey = createKey(kc, client, List.of("system")).path("apiKey").asText();
        assertEquals(List.of("system"), texts(json(introspect(kc, apiKey, null)).path("scopes")));
        String serviceAccount = kc.adminGet("/" + REALM + "/clients/" + clientUuid(kc, client) + "/service-account-user").path("id").asText();
        expect(kc.send("DELETE", kc.baseUrl() + "/admin/realms/" + REALM + "/users/" + serviceAccount + "/role-mappings/realm",
                List.of(kc.adminGet("/" + REALM + "/roles/system")), kc.adminToken()), 204);
        JsonNode token = claims(json(expect(tokenWithKey(kc, apiKey, null), 200)).path("access_token").asText());
        assertFalse(token.path("realm_access").path("roles").toString().contains("system"), token.toString());
        JsonNode answer = json(introspect(kc, apiKey, null));
        assertEquals(List.of(), texts(answer.path("scopes")), "the current intersection, never the stored list: " + answer);
    }

    @Test
    void aPerClientAdminManagesTheKeysOfItsOwnClientOnly(KeycloakClient kc) {
        String mine = createApiKeyClient(kc);
        String other = createApiKeyClient(kc);
        // Keycloak's fine-grained admin permissions (v2): one user may view and manage one client.
        expect(kc.admin("PUT", "/" + REALM, Map.of("adminPermissionsEnabled", true)), 204);
        String permissions = clientUuid(kc, "admin-permissions");
        String authz = "/" + REALM + "/clients/" + permissions + "/authz/resource-server";
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String opsName = "ops-" + suffix;
        String opsId = kc.createUser(REALM, opsName, PASSWORD);
        String policy = json(expect(kc.admin("POST", authz + "/policy/user", Map.of("name", "ops " + suffix,
                "users", List.of(opsId), "logic", "POSITIVE")), 201)).path("id").asText();
        expect(kc.admin("POST", authz + "/permission/scope", Map.of("name", "ops manages " + mine, "resourceType", "Clients",
                "resources", List.of(clientUuid(kc, mine)), "scopes", List.of("view", "manage"), "policies", List.of(policy))), 201);
        String token = json(expect(kc.passwordGrant(REALM, opsName, PASSWORD, null), 200)).path("access_token").asText();
        String api = kc.baseUrl() + "/admin/realms" + KEYS;
        Map<String, Object> newKey = Map.of("name", "ops key", "scopes", List.of("system"), "expiresInDays", 5);

        assertEquals(200, kc.send("GET", api + mine + "/keys", null, token).statusCode());
        HttpResponse<String> created = kc.send("POST", api + mine + "/keys", newKey, token);
        assertEquals(201, created.statusCode(), created.body());
        String prefix = json(created).path("key").path("prefix").asText();
        assertEquals(200, kc.send("POST", api + mine + "/keys/" + prefix + "/revoke", null, token).statusCode());

        assertEquals(403, kc.send("GET", api + other + "/keys", null, token).statusCode(), "another client's keys");
        assertEquals(403, kc.send("POST", api + other + "/keys", newKey, token).statusCode());
        HttpResponse<String> listed = kc.send("GET", api.substring(0, api.length() - "clients/".length()) + "clients", null, token);
        assertEquals(200, listed.statusCode(), listed.body());
        assertTrue(listed.body().contains(mine) && !listed.body().contains(other), "the client picker shows only permitted clients: "
                + listed.body());
    }

    private static String clientUuid(KeycloakClient kc, String clientId) {
        return kc.adminGet("/" + REALM + "/clients?clientId=" + clientId).get(0).path("id").asText();
    }

    private static void updateClient(KeycloakClient kc, String clientId, Map<String, Object> changes) {
        String id = clientUuid(kc, clientId);
        Map<String, Object> rep = new java.util.HashMap<>(KeycloakClient.JSON.convertValue(kc.adminGet("/" + REALM + "/clients/" + id), Map.class));
        rep.putAll(changes);
        expect(kc.admin("PUT", "/" + REALM + "/clients/" + id, rep), 204);
    }

    // --- helpers ----------------------------------------------------------------------------

    static JsonNode createKey(KeycloakClient kc, String client, List<String> scopes) {
        return createKey(kc, client, scopes, null);
    }

    static JsonNode createKey(KeycloakClient kc, String client, List<String> scopes, List<String> cidrs) {
        Map<String, Object> body = new java.util.LinkedHashMap<>(Map.of(
                "name", "it " + UUID.randomUUID(), "scopes", scopes, "expiresInDays", 30));
        if (cidrs != null) {
            body.put("allowedCidrs", cidrs);
        }
        HttpResponse<String> response = expect(kc.admin("POST", KEYS + client + "/keys", body), 201);
        assertTrue(response.headers().firstValue("Cache-Control").orElse("").contains("no-store"), "the key is not cached");
        return json(response);
    }

    static String createApiKeyClient(KeycloakClient kc) {
        String clientId = "it-service-" + UUID.randomUUID().toString().substring(0, 8);
        expect(kc.admin("POST", "/" + REALM + "/clients", Map.of(
                "clientId", clientId, "publicClient", false, "serviceAccountsEnabled", true,
                "standardFlowEnabled", false, "clientAuthenticatorType", "kinga-api-key")), 201);
        String id = kc.adminGet("/" + REALM + "/clients?clientId=" + clientId).get(0).path("id").asText();
        String serviceAccount = kc.adminGet("/" + REALM + "/clients/" + id + "/service-account-user").path("id").asText();
        JsonNode system = kc.adminGet("/" + REALM + "/roles/system");
        expect(kc.admin("POST", "/" + REALM + "/users/" + serviceAccount + "/role-mappings/realm", List.of(system)), 204);
        return clientId;
    }

    static HttpResponse<String> tokenWithKey(KeycloakClient kc, String apiKey, String clientId) {
        Map<String, String> form = new java.util.HashMap<>(Map.of("grant_type", "client_credentials", "client_secret", apiKey));
        if (clientId != null) {
            form.put("client_id", clientId);
        }
        return post(tokenUrl(kc), null, form);
    }

    static HttpResponse<String> tokenWithBasic(KeycloakClient kc, String clientId, String apiKey) {
        return post(tokenUrl(kc), basic(clientId, apiKey), Map.of("grant_type", "client_credentials"));
    }

    static HttpResponse<String> introspect(KeycloakClient kc, String apiKey, String clientIp) {
        Map<String, String> form = new java.util.HashMap<>(Map.of("token", apiKey));
        if (clientIp != null) {
            form.put("client_ip", clientIp);
        }
        return post(kc.baseUrl() + "/realms/" + REALM + "/kinga-api-keys/introspect",
                basic(GATEWAY, clientSecret(kc, GATEWAY)), form);
    }

    static String clientSecret(KeycloakClient kc, String clientId) {
        String id = kc.adminGet("/" + REALM + "/clients?clientId=" + clientId).get(0).path("id").asText();
        return kc.adminGet("/" + REALM + "/clients/" + id + "/client-secret").path("value").asText();
    }

    static String tokenUrl(KeycloakClient kc) {
        return kc.baseUrl() + "/realms/" + REALM + "/protocol/openid-connect/token";
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString(
                (java.net.URLEncoder.encode(user, StandardCharsets.UTF_8) + ":"
                        + java.net.URLEncoder.encode(password, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
    }

    static HttpResponse<String> post(String url, String authorization, Map<String, String> form) {
        String body = form.entrySet().stream()
                .map(e -> java.net.URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + java.net.URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(java.util.stream.Collectors.joining("&"));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static void assertInvalidClient(HttpResponse<String> response) {
        assertEquals(401, response.statusCode(), response.body());
        JsonNode body = json(response);
        assertEquals("invalid_client", body.path("error").asText());
        String text = response.body().toLowerCase();
        for (String leak : List.of("revoked", "expired", "checksum", "secret", "unknown", "mismatch", "kinga_", "exception")) {
            assertFalse(text.contains(leak), "the answer does not say why: " + response.body());
        }
    }

    static void assertError(HttpResponse<String> response, int status, String mentions) {
        assertEquals(status, response.statusCode(), response.body());
        JsonNode body = json(response);
        assertFalse(body.path("error").asText().isEmpty(), response.body());
        assertTrue(body.path("error_description").asText().contains(mentions), response.body());
    }

    static boolean hasEvent(JsonNode events, String prefix, String reason) {
        for (JsonNode event : events) {
            if (prefix.equals(event.path("details").path("api_key").asText())
                    && reason.equals(event.path("details").path("reason").asText())) {
                return true;
            }
        }
        return false;
    }

    static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        out.sort(null);
        return out;
    }
}
