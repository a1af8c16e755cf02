package dev.kinga.sidecar.connector;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

/**
 * How the sidecar proves to Keycloak that it is client {@code kinga-sidecar}: a JWT signed with its
 * own private key ({@code private_key_jwt}, RFC 7523), the public half registered on the client.
 * Unlike a client secret, nothing an admin can read in Keycloak lets anyone else sign in as the
 * sidecar: replacing the registered key is the only way, and it breaks the sidecar at once and is
 * an alert ({@code guarded-client-changed}).
 */
final class ClientAssertion {

    static final String TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

    private final String clientId;
    private final String keyId;
    private final PrivateKey key;

    private ClientAssertion(String clientId, String keyId, PrivateKey key) {
        this.clientId = clientId;
        this.keyId = keyId;
        this.key = key;
    }

    /** From an RSA private key in PKCS#8 PEM ({@code -----BEGIN PRIVATE KEY-----}), as scripts/DevClientKey.java writes it. */
    static ClientAssertion fromPemFile(String clientId, String keyId, Path file) {
        try {
            String pem = Files.readString(file, StandardCharsets.US_ASCII);
            String body = pem.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
            PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
            return new ClientAssertion(clientId, keyId, key);
        } catch (IOException e) {
            throw new IllegalStateException("kinga.keycloak.client-key-file cannot be read: " + file);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("kinga.keycloak.client-key-file is not an RSA private key in PKCS#8 PEM: " + file);
        }
    }

    /** A fresh assertion for {@code audience} (the realm's issuer), valid for a minute, used once. */
    String sign(String audience, Instant now) {
        String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"" + keyId + "\"}";
        String claims = "{\"iss\":\"" + clientId + "\",\"sub\":\"" + clientId + "\",\"aud\":\"" + audience + "\",\"jti\":\""
                + UUID.randomUUID() + "\",\"iat\":" + now.getEpochSecond() + ",\"exp\":" + (now.getEpochSecond() + 60) + "}";
        String input = URL.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "." + URL.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
        try {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(key);
            rsa.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + URL.encodeToString(rsa.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign the client assertion", e);
        }
    }
}
