package dev.kinga.keycloak.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kinga.keycloak.audit.jpa.AuditRecordEntity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What in an audit record identifies a person: the actor's IP address, every detail not known to
 * identify no one (usernames, e-mail addresses, names, labels, device names, impersonators, ...),
 * and the representation of a user an admin changed.
 * <p>
 * From record format 2 on, the chain does not hash this part itself but a salted commitment to
 * it, {@code SHA-256(salt "\n" part)}. While the part is kept, changing it no longer matches the
 * commitment, so tampering is still caught; erasing a person deletes the part and its salt and
 * leaves the commitment, so every hash, and the chain, stays as it was. Without the salt the
 * commitment cannot be tested against guesses (an IPv4 address has only 2^32 values).
 */
public final class PersonalPart {

    /** The record format that carries a personal part. */
    public static final int FORMAT = 2;

    /**
     * Detail names known to identify no one (Keycloak's protocol details, Kinga's own record
     * fields): they stay in the public part. Every other name, including any a future Keycloak
     * adds, goes to the personal part: erasing too much of a record costs less than keeping a
     * person in it for good.
     */
    private static final Set<String> PUBLIC_NAMES = Set.of(
            // Keycloak event details
            "auth_method", "auth_type", "consent", "code_id", "response_type", "response_mode", "remember_me",
            "identity_provider", "token_id", "refresh_token_id", "refresh_token_type", "validate_access_token",
            "updated_refresh_token_id", "grant_type", "client_auth_method", "scope", "reason", "revoked_client",
            "audience", "requested_audience", "requested_issuer", "custom_required_action", "cred_type",
            "credential_type", "credential_id", "action", "signature_required", "signature_algorithm",
            "client_registration_policy", "not_before", "impersonator_id", "org_id",
            // Kinga's event details
            "mfa", "count", "uses", "token_type", "remaining", "days", "api_key",
            // Kinga's record fields
            "error", "sessionId", "operation", "resourceType", "rule", "summary", "triggeredBy", "failures", "accounts",
            "anchoredSeq", "anchoredHash", "anchorKeyId", "anchorMac", "pruned", "before", "checkpointSeq", "checkpointHash",
            "waitedSeconds", "anchorPending");

    private static final SecureRandom RANDOM = new SecureRandom();

    private PersonalPart() {
    }

    /** A record's details split into what may be kept for good and what identifies a person (null if nothing does). */
    public record Split(JsonNode publicDetails, ObjectNode personal) {
    }

    public static Split split(AuditEntry entry) {
        ObjectNode personal = AuditEntry.CANONICAL_JSON.createObjectNode();
        if (entry.actorIp() != null) {
            personal.put("ip", entry.actorIp());
        }
        JsonNode details = entry.details();
        ObjectNode kept = null;
        if (details != null && details.isObject()) {
            kept = ((ObjectNode) details).deepCopy();
            List<String> names = new ArrayList<>();
            kept.fieldNames().forEachRemaining(names::add);
            String resourceType = kept.path("resourceType").asText("");
            boolean aboutAUser = entry.subject() != null || resourceType.startsWith("USER") || resourceType.equals("GROUP_MEMBERSHIP");
            for (String name : names) {
                boolean isPublic = "representation".equals(name) ? !aboutAUser : PUBLIC_NAMES.contains(name);
                if (!isPublic) {
                    personal.set(name, kept.remove(name));
                }
            }
        }
        return new Split(kept != null ? kept : details, personal.isEmpty() ? null : personal);
    }

    public static String newSalt() {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return HexFormat.of().formatHex(salt);
    }

    public static String commit(String salt, String personalJson) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(salt.getBytes(StandardCharsets.US_ASCII));
            sha256.update((byte) '\n');
            sha256.update(personalJson.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha256.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /**
     * Why a stored record's personal part does not hold, or null: a part that no longer matches
     * its commitment, a part without its salt, or an IP address column that disagrees with the part.
     * An erased part (part, salt and IP address all gone) holds.
     */
    public static String problem(AuditRecordEntity r) {
        if (r.getFormat() < FORMAT) {
            return null;
        }
        if (r.getPersonal() == null) {
            boolean erased = r.getPersonalSalt() == null && r.getActorIp() == null;
            return erased ? null : "personal_mismatch";
        }
        if (r.getPersonalSalt() == null || r.getPersonalCommit() == null
                || !MessageDigest.isEqual(commit(r.getPersonalSalt(), r.getPersonal()).getBytes(StandardCharsets.US_ASCII),
                        r.getPersonalCommit().getBytes(StandardCharsets.US_ASCII))) {
            return "personal_mismatch";
        }
        String ip = parse(r.getPersonal()).path("ip").asText(null);
        return Objects.equals(ip, r.getActorIp()) ? null : "personal_mismatch";
    }

    /** Whether the record's personal part was erased. */
    public static boolean erased(AuditRecordEntity r) {
        return r.getFormat() >= FORMAT && r.getPersonalCommit() != null && r.getPersonal() == null;
    }

    static ObjectNode parse(String json) {
        try {
            JsonNode node = json == null ? null : AuditEntry.CANONICAL_JSON.readTree(json);
            return node instanceof ObjectNode object ? object : AuditEntry.CANONICAL_JSON.createObjectNode();
        } catch (java.io.IOException e) {
            return AuditEntry.CANONICAL_JSON.createObjectNode();
        }
    }
}
