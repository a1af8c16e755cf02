package dev.kinga.sidecar.connector;

import dev.kinga.signature.RequestSignature;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which connector URLs the sidecar accepts, and what the request signature covers. */
class ConfiguredConnectorsTest {

    @Test
    void connectorsAreReachedOverHttpsOrOnThisMachineOnly() {
        assertTrue(ConfiguredConnectors.acceptable("https://care-notes.internal/kinga"));
        assertTrue(ConfiguredConnectors.acceptable("http://127.0.0.1:8085/kinga"));
        assertTrue(ConfiguredConnectors.acceptable("http://localhost:8085/kinga"));
        assertFalse(ConfiguredConnectors.acceptable("http://care-notes.internal/kinga"), "plain http across the network");
        assertFalse(ConfiguredConnectors.acceptable("https://user:pass@care-notes.internal/kinga"));
        assertFalse(ConfiguredConnectors.acceptable("https://care-notes.internal/kinga?token=x"));
        assertFalse(ConfiguredConnectors.acceptable("https://care-notes.internal/kinga#x"));
        assertFalse(ConfiguredConnectors.acceptable("ftp://care-notes.internal/"));
        assertFalse(ConfiguredConnectors.acceptable("not a url"));
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
