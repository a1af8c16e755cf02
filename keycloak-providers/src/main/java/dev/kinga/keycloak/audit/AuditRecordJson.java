package dev.kinga.keycloak.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.kinga.keycloak.audit.jpa.AuditRecordEntity;

/** The JSON shape of a record, as sinks receive it and the query endpoint returns it. */
public final class AuditRecordJson {

    private AuditRecordJson() {
    }

    /**
     * From a stored record (the query endpoint, an export): details are parsed from their stored
     * JSON, with the personal part put back in while it is kept. A record whose personal part was
     * erased says so ({@code personalErased}).
     */
    public static ObjectNode of(AuditRecordEntity r, String realmName) {
        JsonNode details;
        try {
            details = r.getDetails() == null ? null : AuditEntry.CANONICAL_JSON.readTree(r.getDetails());
        } catch (Exception e) {
            details = TextNode.valueOf(r.getDetails());
        }
        if (r.getPersonal() != null) {
            ObjectNode personal = PersonalPart.parse(r.getPersonal());
            personal.remove("ip");
            if (!personal.isEmpty()) {
                ObjectNode merged = details instanceof ObjectNode object ? object : AuditEntry.CANONICAL_JSON.createObjectNode();
                merged.setAll(personal);
                details = merged;
            }
        }
        ObjectNode node = of(r, realmName, details);
        if (PersonalPart.erased(r)) {
            node.put("personalErased", true);
        }
        return node;
    }

    /** From a record just written, whose details are still at hand (the outbox): nothing is parsed again. */
    static ObjectNode of(AuditRecordEntity r, String realmName, JsonNode details) {
        ObjectNode node = AuditEntry.CANONICAL_JSON.createObjectNode();
        node.put("id", r.getId());
        node.put("realmId", r.getRealmId());
        if (realmName != null) {
            node.put("realm", realmName);
        }
        node.put("seq", r.getSeq()); // null while the record waits for its place in the chain
        node.put("time", r.getTime());
        node.put("type", r.getType());
        node.put("severity", r.getSeverity());
        node.put("outcome", r.getOutcome());
        ObjectNode actor = node.putObject("actor");
        actor.put("userId", r.getActorUserId());
        actor.put("clientId", r.getActorClientId());
        actor.put("ip", r.getActorIp());
        node.put("subject", r.getSubject());
        node.put("resource", r.getResource());
        node.set("details", details == null || details.isNull() ? null : details);
        node.put("prevHash", r.getPrevHash());
        node.put("hash", r.getHash());
        return node;
    }
}
