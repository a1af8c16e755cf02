package dev.kinga.sidecar.breach.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.kinga.sidecar.dsr.PersonalDataStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Map;

/**
 * Security alerts in a person's data-subject requests: their export lists the alerts about their
 * account or set off by them (rule, time, what was done; not the address that set them off, which
 * may be someone else's); their erasure removes the addresses stored with alerts about or by them. The alerts
 * themselves stay: security records have their own lawful basis.
 */
@ApplicationScoped
public class AlertsOfSubject implements PersonalDataStore {

    @Inject
    Alerts alerts;

    @Inject
    ObjectMapper json;

    @Override
    public String name() {
        return "securityAlerts";
    }

    @Override
    public JsonNode export(String subjectId) {
        ArrayNode out = json.createArrayNode();
        for (SecurityAlert a : alerts.about(subjectId)) {
            out.addObject().put("raisedAt", a.raisedAt.toString()).put("rule", a.rule).put("severity", a.severity)
                    .put("summary", a.summary).put("state", a.state.wire());
        }
        return out;
    }

    @Override
    public Map<String, Integer> erase(String subjectId) {
        return Map.of("alertAddressesErased", alerts.forget(subjectId));
    }
}
