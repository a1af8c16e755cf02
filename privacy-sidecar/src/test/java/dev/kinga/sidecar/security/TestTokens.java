package dev.kinga.sidecar.security;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import com.sun.net.httpserver.HttpServer;
import io.smallrye.jwt.build.Jwt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.RSAPublicKey;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Test issuer: a stand-in for realm kinga's discovery and JWKS endpoints, which the service
 * trusts exactly as it trusts Keycloak; tests mint tokens with any roles, expired, from
 * another realm, or signed by a stranger's key.
 */
public class TestTokens implements QuarkusTestResourceLifecycleManager {

    private static final KeyPair TRUSTED = generate();
    private static final KeyPair STRANGER = generate();
    private static String issuer;
    private HttpServer server;

    /** Serves an OIDC discovery document and JWKS for realm kinga, as Keycloak does. */
    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        issuer = "http://127.0.0.1:" + server.getAddress().getPort() + "/realms/kinga";
        RSAPublicKey key = (RSAPublicKey) TRUSTED.getPublic();
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String jwks = "{\"keys\":[{\"kty\":\"RSA\",\"use\":\"sig\",\"alg\":\"RS256\",\"kid\":\"test\",\"n\":\""
                + b64.encodeToString(unsigned(key.getModulus())) + "\",\"e\":\"" + b64.encodeToString(unsigned(key.getPublicExponent()))
                + "\"}]}";
        String discovery = "{\"issuer\":\"" + issuer + "\",\"jwks_uri\":\"" + issuer + "/protocol/openid-connect/certs\","
                + "\"token_endpoint\":\"" + issuer + "/protocol/openid-connect/token\"}";
        serve("/realms/kinga/.well-known/openid-configuration", discovery);
        serve("/realms/kinga/protocol/openid-connect/certs", jwks);
        server.start();
        return Map.of("quarkus.oidc.auth-server-url", issuer);
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private void serve(String path, String json) {
        server.createContext(path, exchange -> {
            byte[] body = json.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
    }

    private static byte[] unsigned(BigInteger value) {
        byte[] bytes = value.toByteArray();
        return bytes[0] == 0 ? java.util.Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
    }

    /** The key Keycloak (here: this stand-in) signs with, for tests that build unusual tokens themselves. */
    public static PrivateKey trustedKey() {
        return TRUSTED.getPrivate();
    }

    public static String issuer() {
        return issuer;
    }

    /** A token for the sidecar holding these kinga-api permissions, signed in with MFA a minute ago. */
    public static String withPermissions(String... permissions) {
        return token().permissions(permissions).sign();
    }

    /** The permissions the catalogue's role grants (realm-config/roles.yaml), as its holders' tokens carry them. */
    public static String asRole(String role) {
        return withPermissions(switch (role) {
            case "privacy-officer" -> new String[]{"dsr:manage", "consent:manage", "connectors:manage", "breach:manage", "breach:read",
                    "pii:detect", "pii:anonymize", "pii:tokenize-deterministic", "pii:detokenize", "audit:read"};
            case "security-officer" -> new String[]{"security-alerts:read", "security-alerts:manage", "breach:manage", "breach:read",
                    "pii:detect", "pii:anonymize", "audit:read"};
            case "auditor" -> new String[]{"audit:read", "breach:read", "security-alerts:read", "pii:detect"};
            case "therapist" -> new String[]{"conversations:read", "responses:write", "crisis:intervene", "clinical-notes:read",
                    "clinical-notes:write"};
            case "user" -> new String[]{"own-data:read", "own-data:write", "own-data:delete"};
            default -> throw new IllegalArgumentException(role);
        });
    }

    /** The subject ({@code sub}) a token was minted for. */
    public static String subjectOf(String token) {
        String payload = new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
        return payload.replaceAll(".*\"sub\"\\s*:\\s*\"([^\"]+)\".*", "$1");
    }

    public static Builder token() {
        return new Builder();
    }

    /** The client of the self-service page ({@code kinga.self-service.client-id}). */
    public static final String PAGE_CLIENT = "kinga-my-data";

    /** A token of the self-service page for this person (Keycloak user id), the only client {@code /api/v1/me/} serves. */
    public static Builder person(String subject) {
        return token().subject(subject).azp(PAGE_CLIENT);
    }

    /** A token to taste: by default for audience kinga-sidecar, no permissions, MFA sign-in 60 s ago, valid 5 minutes. */
    public static final class Builder {
        private String issuer = TestTokens.issuer;
        private List<String> permissions = List.of();
        private List<String> audience = List.of("kinga-sidecar", "kinga-api");
        private String subject = "user-" + java.util.UUID.randomUUID();
        /** A token minted without a subject is for a person Keycloak has, with an open account. */
        private boolean defaultSubject = true;
        private String azp = "kinga-compliance-cli";
        private Long authAgeSeconds = 60L;
        private Object amr = List.of("mfa", "otp");
        private String acr = "1";
        private long lifetimeSeconds = 300;
        private PrivateKey key = TRUSTED.getPrivate();
        /** The Keycloak session the token came from; null for a service account's client_credentials token. */
        private String sid = java.util.UUID.randomUUID().toString();
        /** What Keycloak records of that session: its sign-in passed MFA at auth_time (the truth of the claims), no MFA, or no session at all. */
        private String keycloakRecords = "claims";

        public Builder permissions(String... permissions) {
            this.permissions = List.of(permissions);
            return this;
        }

        public Builder audience(String... audience) {
            this.audience = List.of(audience);
            return this;
        }

        public Builder subject(String subject) {
            this.subject = subject;
            this.defaultSubject = false;
            return this;
        }

        public Builder azp(String azp) {
            this.azp = azp;
            return this;
        }

        /** Seconds since the sign-in ({@code auth_time}); negative for a sign-in in the future; null for no claim. */
        public Builder authAgeSeconds(Long seconds) {
            this.authAgeSeconds = seconds;
            return this;
        }

        public Builder amr(String... amr) {
            this.amr = List.of(amr);
            return this;
        }

        /** {@code amr} as a plain string instead of the array RFC 8176 defines. */
        public Builder amrAsString(String amr) {
            this.amr = amr;
            return this;
        }

        public Builder acr(String acr) {
            this.acr = acr;
            return this;
        }

        /** A client's own token (client_credentials): no user session, so no {@code sid}. */
        public Builder serviceAccount() {
            this.sid = null;
            return this;
        }

        /** Keycloak's record of the session says its latest sign-in passed no MFA, whatever the claims say (a mapper wrote them). */
        public Builder keycloakRecordsNoMfa() {
            this.keycloakRecords = "no-mfa";
            return this;
        }

        /** Keycloak has no open session with the token's {@code sid} (signed out, expired, or made up). */
        public Builder sessionUnknownToKeycloak() {
            this.keycloakRecords = "none";
            return this;
        }

        /** The session look-up meets a 404 that is not Kinga's (a Keycloak without the current Kinga jar, a proxy). */
        public Builder keycloakWithoutKingaSessions() {
            this.keycloakRecords = "not-kinga";
            return this;
        }

        public Builder expired() {
            this.lifetimeSeconds = -60;
            return this;
        }

        public Builder otherRealm() {
            this.issuer = "https://keycloak.test/realms/other";
            return this;
        }

        public Builder strangersKey() {
            this.key = STRANGER.getPrivate();
            return this;
        }

        public String sign() {
            if (defaultSubject) {
                dev.kinga.sidecar.dsr.FakeKeycloak.knownPerson(subject);
            }
            long now = System.currentTimeMillis() / 1000;
            var claims = Jwt.issuer(issuer)
                    .subject(subject)
                    .audience(new java.util.HashSet<>(audience))
                    .claim("azp", azp)
                    .claim("preferred_username", "tester")
                    .claim("acr", acr)
                    .claim("resource_access", Map.of("kinga-api", Map.of("roles", permissions)))
                    .issuedAt(now - 30)
                    .expiresAt(now + lifetimeSeconds);
            if (authAgeSeconds != null) {
                claims.claim("auth_time", now - authAgeSeconds);
            }
            if (!(amr instanceof List<?> list && list.isEmpty())) {
                claims.claim("amr", amr);
            }
            if (sid != null) {
                claims.claim("sid", sid);
                if (!keycloakRecords.equals("none")) {
                    long mfaAt = keycloakRecords.equals("not-kinga") ? -1
                            : keycloakRecords.equals("no-mfa") || authAgeSeconds == null ? 0 : now - authAgeSeconds;
                    dev.kinga.sidecar.dsr.FakeKeycloak.signedIn(subject, sid, mfaAt);
                }
            }
            return claims.jws().keyId("test").sign(key);
        }
    }

    private static KeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
