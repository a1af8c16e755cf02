package dev.kinga.keycloak.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kinga.keycloak.audit.jpa.AuditRecordEntity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What an audit record says, before it has a place in the chain. {@code details} is already
 * scrubbed. The record's hash covers the previous hash and {@link #canonical} of these fields
 * with its sequence number, so changing any of them, or the order, breaks the chain.
 */
public record AuditEntry(
        long time,
        String type,
        Severity severity,
        String outcome,
        String actorUserId,
        String actorClientId,
        String actorIp,
        String subject,
        String resource,
        JsonNode details) {

    public static final String GENESIS_HASH = "0".repeat(64);
    static final ObjectMapper CANONICAL_JSON = new ObjectMapper()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    /** Stable text of a format-1 record: fixed field order, details with keys sorted at every level. */
    public static String canonical(String realmId, long seq, long time, String type, String severity, String outcome,
                                   String actorUserId, String actorClientId, String actorIp, String subject,
                                   String resource, String details) {
        return canonical(realmId, seq, time, type, severity, outcome, actorUserId, actorClientId, actorIp, subject,
                resource, details, 1, null);
    }

    /**
     * Stable text of a record. Format 1 hashes every field as it is; format 2 leaves the IP
     * address out and hashes the commitment to the personal part instead ({@link PersonalPart}).
     */
    public static String canonical(String realmId, long seq, long time, String type, String severity, String outcome,
                                   String actorUserId, String actorClientId, String actorIp, String subject,
                                   String resource, String details, int format, String personalCommit) {
        ObjectNode node = CANONICAL_JSON.createObjectNode();
        node.put("realmId", realmId);
        node.put("seq", seq);
        node.put("time", time);
        node.put("type", type);
        node.put("severity", severity);
        node.put("outcome", outcome);
        node.put("actorUserId", actorUserId);
        node.put("actorClientId", actorClientId);
        if (format < PersonalPart.FORMAT) {
            node.put("actorIp", actorIp);
        }
        node.put("subject", subject);
        node.put("resource", resource);
        node.put("details", details);
        if (format >= PersonalPart.FORMAT) {
            node.put("format", format);
            node.put("personal", personalCommit);
        }
        return node.toString();
    }

    /** Stable text of a stored record, in its own format. */
    public static String canonical(AuditRecordEntity r) {
        return canonical(r.getRealmId(), r.getSeq(), r.getTime(), r.getType(), r.getSeverity(), r.getOutcome(),
                r.getActorUserId(), r.getActorClientId(), r.getActorIp(), r.getSubject(), r.getResource(), r.getDetails(),
                r.getFormat(), r.getPersonalCommit());
    }

    /** Details as stored: JSON with sorted keys, so the same details always hash the same. */
    public String detailsJson() {
        return json(details);
    }

    /** JSON with keys sorted at every level, or null for nothing. */
    static String json(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        try {
            Object plain = CANONICAL_JSON.treeToValue(node, Object.class);
            return CANONICAL_JSON.writeValueAsString(plain);
        } catch (Exception e) {
            throw new IllegalStateException("details cannot be serialized", e);
        }
    }

    public static String hash(String previousHash, String canonical) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(previousHash.getBytes(StandardCharsets.US_ASCII));
            sha256.update((byte) '\n');
            sha256.update(canonical.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha256.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
