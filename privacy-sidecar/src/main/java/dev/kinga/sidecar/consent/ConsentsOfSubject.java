package dev.kinga.sidecar.consent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kinga.sidecar.dsr.PersonalDataStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Map;

/**
 * A person's consents in their data-subject requests: the export holds their state per purpose and
 * every grant and withdrawal; erasure deletes the records (the sidecar's trail keeps that they existed).
 */
@ApplicationScoped
public class ConsentsOfSubject implements PersonalDataStore {

    @Inject
    ConsentLedger consents;

    @Inject
    ObjectMapper json;

    @Override
    public String name() {
        return "consents";
    }

    @Override
    public JsonNode export(String subjectId) {
        ObjectNode out = json.createObjectNode();
        out.set("current", json.valueToTree(consents.current(subjectId)));
        ArrayNode history = out.putArray("history");
        for (ConsentRecord record : consents.history(subjectId)) {
            history.addObject().put("purpose", record.purposeKey).put("version", record.purposeVersion)
                    .put("action", record.granted ? "grant" : "withdraw").put("at", record.at.toString())
                    .put("source", record.source);
        }
        return out;
    }

    @Override
    public Map<String, Integer> exported(JsonNode part) {
        return Map.of("consentRecords", part.path("history").size());
    }

    @Override
    public Map<String, Integer> erase(String subjectId) {
        return Map.of("consentRecords", consents.erase(subjectId));
    }
}
