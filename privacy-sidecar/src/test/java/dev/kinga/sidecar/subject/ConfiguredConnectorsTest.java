package dev.kinga.sidecar.subject;

import dev.kinga.sidecar.security.RequestSignature;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which connector URLs the sidecar accepts, and what the request signature covers. */
class AppConnectorsTest {

    @Test
    void connectorsAreReachedOverHttpsOrOnThisMachineOnly() {
        assertTrue(AppConnectors.acceptable("https://care-notes.internal/kinga"));
        assertTrue(AppConnectors.acceptable("http://127.0.0.1:8085/kinga"));
        assertTrue(AppConnectors.acceptable("http://localhost:8085/kinga"));
        assertFalse(AppConnectors.acceptable("http://care-notes.internal/kinga"), "plain http across the network");
        assertFalse(AppConnectors.acceptable("https://user:pass@care-notes.internal/kinga"));
        assertFalse(AppConnectors.acceptable("https://care-notes.internal/kinga?token=x"));
        assertFalse(AppConnectors.acceptable("https://care-notes.internal/kinga#x"));
        assertFalse(AppConnectors.acceptable("ftp://care-notes.internal/"));
        assertFalse(AppConnectors.acceptable("not a url"));
    }

    @Test
    void theSignatureCoversMethodPathTimestampAndBody() {
        byte[] body = "{\"requestId\":\"r\"}".getBytes(StandardCharsets.UTF_8);
        String base = RequestSignature.sign("k".repeat(32), "POST", "/kinga/erase", "1700000000", body);
        assertEquals(64, base.length());
        assertEquals(base, RequestSignature.sign("k".repeat(32), "POST", "/kinga/erase", "1700000000", body));
        assertNotEquals(base, RequestSignature.sign("k".repeat(32), "POST", "/kinga/export", "1700000000", body));
        assertNotEquals(base, RequestSignature.sign("k".repeat(32), "PUT", "/kinga/erase", "1700000000", body));
        assertNotEquals(base, RequestSignature.sign("k".repeat(32), "POST", "/kinga/erase", "1700000001", body));
        assertNotEquals(base, RequestSignature.sign("k".repeat(32), "POST", "/kinga/erase", "1700000000", "{}".getBytes()));
        assertNotEquals(base, RequestSignature.sign("j".repeat(32), "POST", "/kinga/erase", "1700000000", body));
    }
}
