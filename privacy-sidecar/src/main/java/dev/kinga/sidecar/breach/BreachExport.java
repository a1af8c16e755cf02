package dev.kinga.sidecar.breach;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The register as a regulator asks for it (Art. 33(5)): every incident, notified or not. JSON holds
 * each incident with its whole history; CSV has one row per incident, its cells quoted, and a
 * cell that a spreadsheet would run as a formula (starting with =, +, -, @) is prefixed with '.
 */
@ApplicationScoped
public class BreachExport {

    @Inject
    EntityManager em;

    @Inject
    BreachRegister register;

    @Inject
    BreachClock clock;

    @Inject
    ObjectMapper json;

    @Transactional
    public String json() {
        Instant now = clock.now();
        ObjectNode out = json.createObjectNode();
        out.put("exportedAt", now.toString());
        ArrayNode incidents = out.putArray("incidents");
        for (BreachIncident i : all()) {
            ObjectNode view = BreachViews.incident(i, now, json);
            view.set("history", BreachViews.history(register.history(i.id), json));
            incidents.add(view);
        }
        return out.toString();
    }

    @Transactional
    public String csv() {
        Instant now = clock.now();
        List<String> columns = new ArrayList<>(List.of("reference", "status", "registerRole"));
        columns.addAll(IncidentFields.FIELDS.keySet());
        columns.addAll(List.of("notifiedAt", "dueAt", "overdue", "notifiedLate", "delayReasons", "notNotifiableReason",
                "usersNotifiedAt", "userNoticeException", "resolvedAt", "createdAt"));
        StringBuilder csv = new StringBuilder();
        row(csv, columns);
        for (BreachIncident i : all()) {
            ObjectNode view = BreachViews.incident(i, now, json);
            ObjectNode merged = view.deepCopy();
            merged.setAll((ObjectNode) view.get("notification"));
            merged.setAll((ObjectNode) view.get("clock"));
            List<String> cells = new ArrayList<>();
            for (String column : columns) {
                cells.add(cell(merged.get(column)));
            }
            row(csv, cells);
        }
        return csv.toString();
    }

    private List<BreachIncident> all() {
        return em.createQuery("select i from BreachIncident i order by i.reference", BreachIncident.class).getResultList();
    }

    private static String cell(JsonNode value) {
        if (value == null || value.isNull()) {
            return "";
        }
        if (value.isObject()) {
            return value.toString();
        }
        if (value.isArray()) {
            List<String> items = new ArrayList<>();
            value.forEach(item -> items.add(item.asText()));
            return String.join("; ", items);
        }
        return value.asText();
    }

    private static void row(StringBuilder csv, List<String> cells) {
        Iterator<String> it = cells.iterator();
        while (it.hasNext()) {
            String cell = it.next();
            if (!cell.isEmpty() && "=+-@\t\r".indexOf(cell.charAt(0)) >= 0) {
                cell = "'" + cell;
            }
            csv.append('"').append(cell.replace("\"", "\"\"")).append('"');
            if (it.hasNext()) {
                csv.append(',');
            }
        }
        csv.append("\r\n");
    }
}
