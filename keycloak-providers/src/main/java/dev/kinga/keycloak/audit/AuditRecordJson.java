package dev.kinga.keycloak.audit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kinga.keycloak.audit.jpa.AuditRecordEntity;

/** The JSON shape of a record, as sinks receive it and the query endpoint returns it. */
public final class AuditRecordJson {

    private AuditRecordJson() {
    }

    public static ObjectNode of(AuditRecordEntity r, String realmName) {
        ObjectNode node = AuditEntry.CANONICAL_JSON.createObjectNode();
        node.put("id", r.getId());
        node.put("realmId", r.getRealmId());
        if (realmName != null) {
            node.put("realm", realmName);
        }
        node.put("seq", r.getSeq());
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
        try {
            node.set("details", r.getDetails() == null ? null : AuditEntry.CANONICAL_JSON.readTree(r.getDetails()));
        } catch (Exception e) {
            node.put("details", r.getDetails());
        }
        node.put("prevHash", r.getPrevHash());
        node.put("hash", r.getHash());
        return node;
    }
}
