package dev.kinga.signature;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;

/**
 * The signature Kinga puts on service-to-service HTTP calls: Keycloak's audit forwarder's
 * deliveries and sink reads to the sidecar, and the sidecar's calls to application connectors
 * (docs/connectors.md). {@code X-Kinga-Timestamp} is Unix seconds; {@code X-Kinga-Signature} is
 * {@code v1=} and the hex {@code HMAC-SHA256(key, METHOD "\n" PATH "\n" TIMESTAMP "\n" hex(SHA-256(body)))},
 * where PATH is the raw path of the URL. A text key is its UTF-8 bytes. JDK only: both the Keycloak
 * providers (which carry these classes in their jar) and the sidecar use this one class.
 */
public final class RequestSignature {

    public static final String TIMESTAMP_HEADER = "X-Kinga-Timestamp";
    public static final String SIGNATURE_HEADER = "X-Kinga-Signature";
    private static final String VERSION = "v1=";

    private RequestSignature() {
    }

    /** The hex HMAC (without {@code v1=}). */
    public static String sign(byte[] key, String method, String path, String timestamp, byte[] body) {
        try {
            String bodyHash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] signed = mac.doFinal((method + "\n" + path + "\n" + timestamp + "\n" + bodyHash).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(signed);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is missing from this JVM", e);
        }
    }

    /** {@link #sign(byte[], String, String, String, byte[])} under a text key. */
    public static String sign(String secret, String method, String path, String timestamp, byte[] body) {
        return sign(secret.getBytes(StandardCharsets.UTF_8), method, path, timestamp, body);
    }

    /** The header value for a request signed now. */
    public static String header(byte[] key, String method, String path, String timestamp, byte[] body) {
        return VERSION + sign(key, method, path, timestamp, body);
    }

    /** {@link #header(byte[], String, String, String, byte[])} under a text key. */
    public static String header(String secret, String method, String path, String timestamp, byte[] body) {
        return VERSION + sign(secret, method, path, timestamp, body);
    }

    /**
     * Whether {@code signature} (the header's value) signs this request under {@code secret} and
     * {@code timestamp} lies within {@code window} of {@code now}. The comparison takes the same
     * time wherever the first difference is.
     */
    public static boolean verify(String secret, String method, String path, String timestamp, String signature, byte[] body,
                                 Instant now, Duration window) {
        if (timestamp == null || signature == null || !signature.startsWith(VERSION) || timestamp.length() > 12) {
            return false;
        }
        long seconds;
        try {
            seconds = Long.parseLong(timestamp);
        } catch (NumberFormatException e) {
            return false;
        }
        if (Math.abs(now.getEpochSecond() - seconds) > window.toSeconds()) {
            return false;
        }
        byte[] expected = sign(secret, method, path, timestamp, body).getBytes(StandardCharsets.US_ASCII);
        byte[] given = signature.substring(VERSION.length()).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, given);
    }
}
