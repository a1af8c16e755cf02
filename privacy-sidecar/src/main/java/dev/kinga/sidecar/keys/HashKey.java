package dev.kinga.sidecar.keys;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;

/**
 * The service's root HMAC key ({@code kinga.pii.hash-key}: any text of 32+ characters; a missing
 * or short key stops startup). The root key itself MACs nothing a caller can choose: every use has
 * a key of its own, derived from it ({@link #derive}): the {@code hash} and {@code pseudonym}
 * operators, each token domain's lookup MACs, the audit trail's chain. So whoever may hash
 * arbitrary text learns HMACs under the operators' key only, never another derived key. It never
 * encrypts: the vault's keys are separate ({@link KeyEncryptionKeys}).
 */
@ApplicationScoped
public class HashKey {

    private final byte[] root;
    private final byte[] operators;

    public HashKey(@ConfigProperty(name = "kinga.pii.hash-key") String key) {
        if (key.length() < 32) {
            throw new IllegalStateException("kinga.pii.hash-key must be at least 32 characters");
        }
        this.root = key.getBytes(StandardCharsets.UTF_8);
        this.operators = derive("operators");
    }

    /** The {@code hash} operator: HMAC-SHA-256 under the operators' derived key, hex; stable for one root key. */
    public String hash(String value) {
        return HexFormat.of().formatHex(hmac(operators, value));
    }

    /** A key of its own for one purpose: HMAC of the purpose's name under the root key, which MACs nothing else. */
    public byte[] derive(String purpose) {
        return hmac(root, "kinga-sidecar-derived-key\u0000" + purpose);
    }

    /** HMAC-SHA-256 of a UTF-8 value under a key. */
    public static byte[] hmac(byte[] key, String value) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(value.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA-256 unavailable", e);
        }
    }
}
