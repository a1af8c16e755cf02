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
import java.util.regex.Pattern;

/**
 * What in an audit record identifies a person: the actor's IP address, names, usernames, e-mail
 * addresses and phone numbers in the details, and the representation of a user an admin changed.
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

    /** Detail names that identify a person (Keycloak's own, e.g. {@code previous_email}, and Kinga's). */
    private static final Pattern PERSONAL_NAME = Pattern.compile(
            "(?i).*(user_?name|e_?mail|first_?name|last_?name|full_?name|phone|address|identity|device|^ip$|^previous_|^updated_).*");

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
            for (String name : names) {
                boolean userRepresentation = "representation".equals(name) && entry.subject() != null;
                if (userRepresentation || PERSONAL_NAME.matcher(name).matches()) {
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
