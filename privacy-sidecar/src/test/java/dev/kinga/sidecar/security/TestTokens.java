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

    public static String withRoles(String... roles) {
        return sign(issuer, List.of(roles), 300, TRUSTED.getPrivate());
    }

    public static String expired(String... roles) {
        return sign(issuer, List.of(roles), -60, TRUSTED.getPrivate());
    }

    public static String otherRealm(String... roles) {
        return sign("https://keycloak.test/realms/other", List.of(roles), 300, TRUSTED.getPrivate());
    }

    public static String wrongSignature(String... roles) {
        return sign(issuer, List.of(roles), 300, STRANGER.getPrivate());
    }

    private static String sign(String issuer, List<String> roles, long lifetimeSeconds, PrivateKey key) {
        long now = System.currentTimeMillis() / 1000;
        return Jwt.issuer(issuer)
                .subject("user-" + String.join("-", roles))
                .claim("azp", "test-client-" + String.join("-", roles))
                .claim("preferred_username", "tester")
                .claim("realm_access", Map.of("roles", roles))
                .issuedAt(now - 120)
                .expiresAt(now + lifetimeSeconds)
                .jws().keyId("test")
                .sign(key);
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
