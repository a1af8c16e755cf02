package dev.kinga.keycloak.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;

import static dev.kinga.keycloak.testing.KeycloakClient.expect;

/**
 * The privacy sidecar's client key for a test run: one RSA key pair per JVM, whose public half is
 * registered on client {@code kinga-sidecar} (private_key_jwt) of the Keycloak a sidecar starts
 * against, and whose private half is the sidecar's {@code kinga.keycloak.client-key-file}. Tests
 * that act as the sidecar's account sign their own client assertions with it.
 */
public final class SidecarClientKey {

    public static final String CLIENT_ID = "kinga-sidecar";
    public static final String KEY_ID = "kinga-sidecar"; // the sidecar's default kinga.keycloak.client-key-id
    private static final KeyPair PAIR = generate();

    private SidecarClientKey() {
    }

    /** Registers the public key on client kinga-sidecar (idempotent), as scripts/DevClientKey.java does for ./kinga run. */
    public static synchronized void register(KeycloakClient admin) {
        JsonNode client = admin.adminGet("/" + DemoUsers.REALM + "/clients?clientId=" + CLIENT_ID).get(0);
        String publicKey = Base64.getEncoder().encodeToString(PAIR.getPublic().getEncoded());
        if ("client-jwt".equals(client.path("clientAuthenticatorType").asText())
                && publicKey.equals(client.path("attributes").path("jwt.credential.public.key").asText())) {
            return;
        }
        ObjectNode update = ((ObjectNode) client).put("clientAuthenticatorType", "client-jwt");
        ((ObjectNode) update.get("attributes")).put("jwt.credential.public.key", publicKey).put("jwt.credential.kid", KEY_ID)
                .put("token.endpoint.auth.signing.alg", "RS256");
        expect(admin.admin("PUT", "/" + DemoUsers.REALM + "/clients/" + client.path("id").asText(), update), 204);
    }

    /** Writes the private key as PKCS#8 PEM, readable by its owner only. */
    public static Path writePrivateKey(Path dir) throws IOException {
        Path file = dir.resolve("sidecar-client-key.pem");
        Files.writeString(file, "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(PAIR.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
        try {
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // best effort on other file systems
        }
        return file;
    }

    /** A token of the sidecar's own account, signed in with a client assertion as the sidecar does. */
    public static String token(KeycloakClient kc) {
        register(kc);
        String audience = kc.baseUrl() + "/realms/" + DemoUsers.REALM;
        var answer = kc.postForm(audience + "/protocol/openid-connect/token", Map.of("grant_type", "client_credentials",
                "client_id", CLIENT_ID, "client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                "client_assertion", assertion(audience)), null);
        return KeycloakClient.json(expect(answer, 200)).path("access_token").asText();
    }

    /** An RS256 client assertion for this audience, valid a minute, with a fresh id. */
    public static String assertion(String audience) {
        Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
        long now = System.currentTimeMillis() / 1000;
        String header = url.encodeToString(("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"" + KEY_ID + "\"}").getBytes(StandardCharsets.UTF_8));
        String claims = url.encodeToString(("{\"iss\":\"" + CLIENT_ID + "\",\"sub\":\"" + CLIENT_ID + "\",\"aud\":\"" + audience
                + "\",\"jti\":\"" + UUID.randomUUID() + "\",\"iat\":" + now + ",\"exp\":" + (now + 60) + "}").getBytes(StandardCharsets.UTF_8));
        try {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(PAIR.getPrivate());
            rsa.update((header + "." + claims).getBytes(StandardCharsets.US_ASCII));
            return header + "." + claims + "." + url.encodeToString(rsa.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
