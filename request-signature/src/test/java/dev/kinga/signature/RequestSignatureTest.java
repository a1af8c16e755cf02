package dev.kinga.signature;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RequestSignatureTest {

    private static final String SECRET = "k".repeat(32);
    private static final byte[] BODY = "{\"requestId\":\"r1\"}".getBytes(StandardCharsets.UTF_8);
    private static final Instant NOW = Instant.ofEpochSecond(1_700_000_000L);
    private static final Duration WINDOW = Duration.ofMinutes(5);
    private static final String KNOWN_ANSWER = "30efaa078ca82efd9c0cce747178a187e8ff081f5e51ab5578316d7b7f4a438e";

    @Test
    void theSchemeIsTheDocumentedOne() {
        // docs/connectors.md: an app checks this value with an HMAC-SHA256 of its own, so it must never drift.
        // Computed with openssl: printf 'POST\n/kinga/erase\n1700000000\n%s' "$(printf '%s' "$body" | sha256sum | cut -d' ' -f1)"
        //   | openssl dgst -sha256 -hmac kkkk…k (32 × k)
        assertEquals("v1=" + KNOWN_ANSWER, RequestSignature.header(SECRET, "POST", "/kinga/erase", "1700000000", BODY));
        assertEquals(RequestSignature.sign(SECRET.getBytes(StandardCharsets.UTF_8), "POST", "/kinga/erase", "1700000000", BODY),
                RequestSignature.sign(SECRET, "POST", "/kinga/erase", "1700000000", BODY));
        assertEquals(KNOWN_ANSWER, RequestSignature.sign(SECRET, "POST", "/kinga/erase", "1700000000", BODY));
    }

    @Test
    void verifiesItsOwnSignatureWithinTheWindowOnly() {
        String header = RequestSignature.header(SECRET, "POST", "/kinga/erase", "1700000000", BODY);
        assertTrue(RequestSignature.verify(SECRET, "POST", "/kinga/erase", "1700000000", header, BODY, NOW, WINDOW));
        assertTrue(RequestSignature.verify(SECRET, "POST", "/kinga/erase", "1700000000", header, BODY, NOW.plus(WINDOW), WINDOW));
        assertFalse(RequestSignature.verify(SECRET, "POST", "/kinga/erase", "1700000000", header, BODY,
                NOW.plus(WINDOW).plusSeconds(1), WINDOW));
    }

    @Test
    void anyChangedPartFailsVerification() {
        String header = RequestSignature.header(SECRET, "POST", "/kinga/erase", "1700000000", BODY);
        assertFalse(RequestSignature.verify("j".repeat(32), "POST", "/kinga/erase", "1700000000", header, BODY, NOW, WINDOW));
        assertFalse(RequestSignature.verify(SECRET, "PUT", "/kinga/erase", "1700000000", header, BODY, NOW, WINDOW));
        assertFalse(RequestSignature.verify(SECRET, "POST", "/kinga/export", "1700000000", header, BODY, NOW, WINDOW));
        assertFalse(RequestSignature.verify(SECRET, "POST", "/kinga/erase", "1700000001", header, BODY, NOW, WINDOW));
        assertFalse(RequestSignature.verify(SECRET, "POST", "/kinga/erase", "1700000000", header, "{}".getBytes(), NOW, WINDOW));
        assertFalse(RequestSignature.verify(SECRET, "POST", "/kinga/erase", "1700000000", header.substring(3), BODY, NOW, WINDOW));
        assertFalse(RequestSignature.verify(SECRET, "POST", "/kinga/erase", null, header, BODY, NOW, WINDOW));
        assertFalse(RequestSignature.verify(SECRET, "POST", "/kinga/erase", "17e8", header, BODY, NOW, WINDOW));
        assertFalse(RequestSignature.verify(SECRET, "POST", "/kinga/erase", "1700000000", null, BODY, NOW, WINDOW));
    }
}
