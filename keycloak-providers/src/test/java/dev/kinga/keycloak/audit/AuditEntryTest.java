package dev.kinga.keycloak.audit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class AuditEntryTest {

    private static String canonical(long seq, String details) {
        return AuditEntry.canonical("realm-1", seq, 1000L, "LOGIN", "INFO", "SUCCESS", "u1", "app", "10.0.0.1",
                "u1", null, details);
    }

    @Test
    void hashCoversThePreviousHashAndEveryField() {
        String base = AuditEntry.hash(AuditEntry.GENESIS_HASH, canonical(1, "{\"a\":1}"));
        assertEquals(64, base.length());
        assertEquals(base, AuditEntry.hash(AuditEntry.GENESIS_HASH, canonical(1, "{\"a\":1}")), "deterministic");
        assertNotEquals(base, AuditEntry.hash("1".repeat(64), canonical(1, "{\"a\":1}")));
        assertNotEquals(base, AuditEntry.hash(AuditEntry.GENESIS_HASH, canonical(2, "{\"a\":1}")));
        assertNotEquals(base, AuditEntry.hash(AuditEntry.GENESIS_HASH, canonical(1, "{\"a\":2}")));
    }

    @Test
    void detailsAreStoredWithSortedKeysSoEqualDetailsHashEqually() {
        ObjectNode first = AuditEntry.CANONICAL_JSON.createObjectNode().put("b", 1).put("a", 2);
        ObjectNode second = AuditEntry.CANONICAL_JSON.createObjectNode().put("a", 2).put("b", 1);
        first.putObject("nested").put("z", 1).put("y", 2);
        second.putObject("nested").put("y", 2).put("z", 1);
        AuditEntry one = new AuditEntry(1, "T", Severity.INFO, "SUCCESS", null, null, null, null, null, first);
        AuditEntry two = new AuditEntry(1, "T", Severity.INFO, "SUCCESS", null, null, null, null, null, second);
        assertEquals("{\"a\":2,\"b\":1,\"nested\":{\"y\":2,\"z\":1}}", one.detailsJson());
        assertEquals(one.detailsJson(), two.detailsJson());
    }
}
