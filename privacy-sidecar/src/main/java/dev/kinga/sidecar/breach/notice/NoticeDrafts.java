package dev.kinga.sidecar.breach.notice;

import dev.kinga.sidecar.breach.BreachConfig;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kinga.sidecar.breach.BreachEvent;
import dev.kinga.sidecar.breach.BreachIncident;
import dev.kinga.sidecar.breach.BreachRegister;
import dev.kinga.sidecar.breach.Deadlines;
import io.quarkus.qute.Engine;
import io.quarkus.qute.Template;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Drafts of the two notices a breach may need, from Qute templates in English and Kiswahili
 * ({@code templates/breach/}): the notification of the supervisory authority (the fields the
 * ODPC and EU authorities ask for, GDPR Art. 33(3), Kenya DPA s.43(6)) and the plain-language
 * notice to each person affected (Art. 34(2)). The person's notice uses the incident's
 * translations for their language where the DPO gave them.
 */
@ApplicationScoped
public class NoticeDrafts {

    public static final List<String> LANGUAGES = List.of("en", "sw");
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("d MMMM yyyy, HH:mm 'UTC'", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);

    @Inject
    Engine engine;

    @Inject
    BreachRegister register;

    @Inject
    ObjectMapper json;

    @Inject
    BreachConfig config;

    /** A rendered notice: the subject line (or title) and the body. */
    public record Draft(String language, String subject, String body) {
    }

    /** The language a person's notice goes out in, from their Keycloak locale (e.g. sw, sw-KE); English otherwise. */
    public static String language(String locale) {
        return locale != null && locale.toLowerCase(Locale.ROOT).startsWith("sw") ? "sw" : "en";
    }

    public Draft person(BreachIncident incident, String language, String firstName) {
        Map<String, Object> data = content(incident, language);
        data.put("firstName", firstName == null || firstName.isBlank() ? ("sw".equals(language) ? "mteja" : "customer") : firstName);
        return render("person-notice", language, data);
    }

    public Draft authority(BreachIncident incident, String language) {
        Map<String, Object> data = content(incident, language);
        data.put("party", "sw".equals(language)
                ? (Deadlines.processor(incident) ? "mdhibiti wa data" : "Ofisi ya Kamishna wa Ulinzi wa Data")
                : Deadlines.party(incident) + (Deadlines.processor(incident) ? "" : " (in Kenya, the Office of the Data Protection Commissioner)"));
        data.put("phases", register.history(incident.id).stream().filter(e -> "information".equals(e.kind))
                .map(e -> Map.of("at", WHEN.format(e.at), "text", informationText(e))).toList());
        return render("authority-notice", language, data);
    }

    private Map<String, Object> content(BreachIncident i, String language) {
        boolean sw = "sw".equals(language);
        String unknown = sw ? "haijulikani bado" : "not known yet";
        Map<String, String> translated = i.translationsByLanguage().getOrDefault(language, Map.of());
        Map<String, Object> data = new HashMap<>();
        data.put("controller", config.controllerName());
        data.put("reference", i.reference);
        data.put("title", translated.getOrDefault("title", i.title));
        Map<String, String> texts = new HashMap<>();
        texts.put("nature", i.nature);
        texts.put("likelyConsequences", i.likelyConsequences);
        texts.put("measuresTaken", i.measuresTaken);
        texts.put("recommendations", i.recommendations);
        texts.put("contactPoint", i.contactPoint);
        texts.forEach((name, value) -> data.put(name, translated.getOrDefault(name, value == null ? unknown : value)));
        data.put("measuresProposed", translated.getOrDefault("measuresProposed", i.measuresProposed == null ? "" : i.measuresProposed));
        data.put("subjectCategories", joined(i.subjectCategoryList(), unknown));
        data.put("dataCategories", joined(i.dataCategoryList(), unknown));
        data.put("approxSubjects", i.approxSubjects == null ? unknown : String.format(Locale.ENGLISH, "%,d", i.approxSubjects));
        data.put("approxRecords", i.approxRecords == null ? unknown : String.format(Locale.ENGLISH, "%,d", i.approxRecords));
        data.put("specialCategories", i.specialCategories == null ? unknown : i.specialCategories ? (sw ? "ndiyo" : "yes") : (sw ? "hapana" : "no"));
        data.put("unauthorisedParty", i.unauthorisedParty == null ? unknown : i.unauthorisedParty);
        data.put("occurredAt", when(i.occurredAt, unknown));
        data.put("detectedAt", when(i.detectedAt, unknown));
        data.put("awareAt", when(i.awareAt, unknown));
        data.put("dueAt", when(Deadlines.dueAt(i), unknown));
        data.put("delayReasons", i.delayReasons == null ? (sw ? "haihusiki" : "not applicable") : i.delayReasons);
        return data;
    }

    private Draft render(String name, String language, Map<String, Object> data) {
        if (!LANGUAGES.contains(language)) {
            throw new IllegalArgumentException("no notice templates for " + language);
        }
        Template template = engine.getTemplate("breach/" + name + "." + language + ".txt");
        String text = template.render(data).strip();
        int firstLine = text.indexOf('\n');
        return new Draft(language, text.substring(0, firstLine).strip(), text.substring(firstLine + 1).strip() + "\n");
    }

    private String informationText(BreachEvent e) {
        try {
            return json.readTree(e.details).path("text").asText("");
        } catch (Exception notJson) {
            return "";
        }
    }

    private static String joined(List<String> items, String none) {
        return items == null || items.isEmpty() ? none : String.join(", ", items);
    }

    private static String when(Instant at, String none) {
        return at == null ? none : WHEN.format(at);
    }
}
