package dev.kinga.sidecar.breach.notice;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kinga.sidecar.dsr.PersonalDataStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Instant;
import java.util.Map;

/**
 * Breach notices in a person's data-subject requests: their export lists the notices sent to
 * them. Erasure keeps the delivery records (proof that the controller told them, Art. 34): they
 * hold only the Keycloak user id, which names nobody once the account is gone.
 */
@ApplicationScoped
public class NoticesOfSubject implements PersonalDataStore {

    @Inject
    Notices notices;

    @Inject
    ObjectMapper json;

    @Override
    public String name() {
        return "breachNotices";
    }

    @Override
    public JsonNode export(String subjectId) {
        ArrayNode out = json.createArrayNode();
        for (Object[] n : notices.sentTo(subjectId)) {
            ObjectNode item = out.addObject().put("incident", (String) n[0]).put("title", (String) n[1])
                    .put("status", ((NoticeStatus) n[2]).wire()).put("language", (String) n[4]);
            item.put("sentAt", n[3] == null ? null : ((Instant) n[3]).toString());
        }
        return out;
    }

    @Override
    public Map<String, Integer> erase(String subjectId) {
        return Map.of();
    }
}
