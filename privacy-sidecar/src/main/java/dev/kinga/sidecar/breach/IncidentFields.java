package dev.kinga.sidecar.breach;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kinga.sidecar.security.BadRequestException;
import dev.kinga.sidecar.security.Refusal;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The fields of an incident that people write, by their names on the wire: how each is checked,
 * read and written, which ones a notification needs, and which ones freeze once the authority has
 * been told (what it was told is then added to in phases, never overwritten: Art. 33(4)).
 */
final class IncidentFields {

    static final int MAX_TEXT = 20_000;
    static final int MAX_SHORT = 2_000;
    static final int MAX_LIST = 50;
    static final int MAX_ITEM = 200;
    /** A clock a little ahead of ours is not "the future". */
    static final Duration SKEW = Duration.ofMinutes(2);
    private static final Pattern CONTROL = Pattern.compile("[\\p{Cntrl}&&[^\\n\\r\\t]]");

    enum Kind { TITLE, SHORT, TEXT, LIST, COUNT, FLAG, INSTANT, RISK, TRANSLATIONS }

    record Field(String name, Kind kind, boolean frozenOnNotification, Function<BreachIncident, Object> get,
                 BiConsumer<BreachIncident, Object> set) {
    }

    static final Map<String, Field> FIELDS = new LinkedHashMap<>();

    static {
        add("title", Kind.TITLE, false, i -> i.title, (i, v) -> i.title = (String) v);
        add("occurredAt", Kind.INSTANT, true, i -> i.occurredAt, (i, v) -> i.occurredAt = (Instant) v);
        add("detectedAt", Kind.INSTANT, true, i -> i.detectedAt, (i, v) -> i.detectedAt = (Instant) v);
        add("awareAt", Kind.INSTANT, true, i -> i.awareAt, (i, v) -> i.awareAt = (Instant) v);
        add("risk", Kind.RISK, true, i -> i.risk, (i, v) -> i.risk = (Risk) v);
        add("nature", Kind.TEXT, true, i -> i.nature, (i, v) -> i.nature = (String) v);
        add("subjectCategories", Kind.LIST, true, i -> IncidentJson.list(i.subjectCategories), (i, v) -> i.subjectCategories = IncidentJson.write(v));
        add("approxSubjects", Kind.COUNT, true, i -> i.approxSubjects, (i, v) -> i.approxSubjects = (Long) v);
        add("dataCategories", Kind.LIST, true, i -> IncidentJson.list(i.dataCategories), (i, v) -> i.dataCategories = IncidentJson.write(v));
        add("approxRecords", Kind.COUNT, true, i -> i.approxRecords, (i, v) -> i.approxRecords = (Long) v);
        add("specialCategories", Kind.FLAG, true, i -> i.specialCategories, (i, v) -> i.specialCategories = (Boolean) v);
        add("contactPoint", Kind.SHORT, true, i -> i.contactPoint, (i, v) -> i.contactPoint = (String) v);
        add("likelyConsequences", Kind.TEXT, true, i -> i.likelyConsequences, (i, v) -> i.likelyConsequences = (String) v);
        add("measuresTaken", Kind.TEXT, true, i -> i.measuresTaken, (i, v) -> i.measuresTaken = (String) v);
        add("measuresProposed", Kind.TEXT, true, i -> i.measuresProposed, (i, v) -> i.measuresProposed = (String) v);
        add("recommendations", Kind.TEXT, false, i -> i.recommendations, (i, v) -> i.recommendations = (String) v);
        add("unauthorisedParty", Kind.SHORT, false, i -> i.unauthorisedParty, (i, v) -> i.unauthorisedParty = (String) v);
        add("rootCause", Kind.TEXT, false, i -> i.rootCause, (i, v) -> i.rootCause = (String) v);
        add("impactAssessment", Kind.TEXT, false, i -> i.impactAssessment, (i, v) -> i.impactAssessment = (String) v);
        add("remediationSteps", Kind.TEXT, false, i -> i.remediationSteps, (i, v) -> i.remediationSteps = (String) v);
        add("lessonsLearned", Kind.TEXT, false, i -> i.lessonsLearned, (i, v) -> i.lessonsLearned = (String) v);
        add("translations", Kind.TRANSLATIONS, false, i -> IncidentJson.translations(i.translations), (i, v) -> i.translations = IncidentJson.write(v));
    }

    /** The languages notices go out in besides English, the register's own language. */
    static final Set<String> NOTICE_LANGUAGES = Set.of("sw");

    /** What the authority must be told (Art. 33(3)(a)-(d); Kenya DPA s.43(6)): all of it before notifying. */
    static final List<String> AUTHORITY_NOTICE = List.of("nature", "subjectCategories", "approxSubjects", "dataCategories",
            "approxRecords", "contactPoint", "likelyConsequences", "measuresTaken");

    /** What each person must be told (Art. 34(2), in plain language; s.43(6) recommendations). */
    static final List<String> USER_NOTICE = List.of("nature", "contactPoint", "likelyConsequences", "measuresTaken", "recommendations");

    /** What a resolved incident must record. */
    static final List<String> RESOLUTION = List.of("rootCause", "remediationSteps");

    private IncidentFields() {
    }

    private static void add(String name, Kind kind, boolean frozen, Function<BreachIncident, Object> get,
                            BiConsumer<BreachIncident, Object> set) {
        FIELDS.put(name, new Field(name, kind, frozen, get, set));
    }

    /**
     * Reads the incident fields of a request body (every other key must be in {@code alsoAllowed}),
     * checked: texts within their limits, counts not negative, instants ISO-8601 and not in the future.
     */
    static Map<String, Object> parse(ObjectNode body, Set<String> alsoAllowed, Instant now) {
        Map<String, Object> values = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> entries = body.fields();
        while (entries.hasNext()) {
            Map.Entry<String, JsonNode> e = entries.next();
            Field field = FIELDS.get(e.getKey());
            if (field == null) {
                if (alsoAllowed.contains(e.getKey())) {
                    continue;
                }
                throw new BadRequestException("Unknown field '" + printable(e.getKey()) + "'; the fields are " + FIELDS.keySet());
            }
            if (e.getValue().isNull()) {
                throw new BadRequestException(field.name() + " cannot be null (leave it out to keep its value)");
            }
            values.put(field.name(), value(field, e.getValue(), now));
        }
        return values;
    }

    private static Object value(Field field, JsonNode v, Instant now) {
        String name = field.name();
        return switch (field.kind()) {
            case TITLE -> text(name, v, 200);
            case SHORT -> text(name, v, MAX_SHORT);
            case TEXT -> text(name, v, MAX_TEXT);
            case LIST -> {
                if (!v.isArray() || v.size() > MAX_LIST) {
                    throw new BadRequestException(name + " must be a list of at most " + MAX_LIST + " texts");
                }
                List<String> items = new ArrayList<>();
                for (JsonNode item : v) {
                    items.add(text(name + " item", item, MAX_ITEM));
                }
                yield List.copyOf(items);
            }
            case COUNT -> {
                if (!v.canConvertToLong() || !v.isIntegralNumber() || v.asLong() < 0) {
                    throw new BadRequestException(name + " must be a whole number from 0 (an approximate count)");
                }
                yield v.asLong();
            }
            case FLAG -> {
                if (!v.isBoolean()) {
                    throw new BadRequestException(name + " must be true or false");
                }
                yield v.asBoolean();
            }
            case INSTANT -> instant(name, v, now);
            case TRANSLATIONS -> translationsValue(name, v);
            case RISK -> {
                Risk risk = v.isTextual() ? Risk.parse(v.asText()) : null;
                if (risk == null) {
                    throw new BadRequestException(name + " must be one of unlikely, risk, high");
                }
                yield risk;
            }
        };
    }

    /** {@code {"sw": {"nature": "...", ...}}}: the person's notice's texts (and title) per language. */
    private static Map<String, Map<String, String>> translationsValue(String name, JsonNode v) {
        if (!v.isObject()) {
            throw new BadRequestException(name + " must be an object of languages (" + NOTICE_LANGUAGES + ") to texts");
        }
        Map<String, Map<String, String>> all = new java.util.TreeMap<>();
        Iterator<Map.Entry<String, JsonNode>> languages = v.fields();
        while (languages.hasNext()) {
            Map.Entry<String, JsonNode> language = languages.next();
            if (!NOTICE_LANGUAGES.contains(language.getKey()) || !language.getValue().isObject()) {
                throw new BadRequestException(name + ": languages are " + NOTICE_LANGUAGES + ", each an object of texts");
            }
            Map<String, String> texts = new java.util.TreeMap<>();
            Iterator<Map.Entry<String, JsonNode>> fields = language.getValue().fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (!"title".equals(field.getKey()) && !USER_NOTICE.contains(field.getKey()) && !"measuresProposed".equals(field.getKey())) {
                    throw new BadRequestException(name + "." + language.getKey() + ": the translatable texts are title, measuresProposed and "
                            + USER_NOTICE);
                }
                texts.put(field.getKey(), text(name + "." + language.getKey() + "." + field.getKey(), field.getValue(), MAX_TEXT));
            }
            all.put(language.getKey(), texts);
        }
        if (IncidentJson.write(all).length() > 150_000) {
            throw new BadRequestException(name + " is too long altogether (150,000 characters of JSON at most)");
        }
        return all;
    }

    static String text(String name, JsonNode v, int max) {
        if (!v.isTextual() || v.asText().isBlank()) {
            throw new BadRequestException(name + " must be a non-empty text");
        }
        String text = v.asText().strip();
        if (text.length() > max) {
            throw new BadRequestException(name + " is at most " + max + " characters");
        }
        if (CONTROL.matcher(text).find()) {
            throw new BadRequestException(name + " holds control characters (only line breaks and tabs are kept)");
        }
        return text;
    }

    /** An ISO-8601 instant that is not in the future. */
    static Instant instant(String name, JsonNode v, Instant now) {
        Instant at;
        try {
            at = v.isTextual() ? Instant.parse(v.asText()) : null;
        } catch (DateTimeParseException e) {
            at = null;
        }
        if (at == null) {
            throw new BadRequestException(name + " must be an ISO-8601 instant, e.g. 2026-12-01T08:30:00Z");
        }
        if (at.isAfter(now.plus(SKEW))) {
            throw new BadRequestException(name + " is in the future");
        }
        if (at.isBefore(Instant.EPOCH)) { // no incident is dated before 1970
            throw new BadRequestException(name + " is before 1970");
        }
        return at.truncatedTo(ChronoUnit.MILLIS);
    }

    /** Writes the values; the changes as {@code field → {from, to}}, leaving out values that did not change. */
    static Map<String, Object> apply(BreachIncident incident, Map<String, Object> values) {
        Map<String, Object> changes = new LinkedHashMap<>();
        values.forEach((name, value) -> {
            Field field = FIELDS.get(name);
            Object before = field.get().apply(incident);
            if (!Objects.equals(before, value)) {
                field.set().accept(incident, value);
                Map<String, Object> change = new LinkedHashMap<>();
                change.put("from", wire(before));
                change.put("to", wire(value));
                changes.put(name, change);
            }
        });
        return changes;
    }

    /** Checks that the dates fit together: it cannot have occurred after it was detected, or after anyone became aware. */
    static void checkDates(BreachIncident i) {
        if (i.occurredAt != null && i.detectedAt != null && i.occurredAt.isAfter(i.detectedAt)) {
            throw new BadRequestException("occurredAt is after detectedAt");
        }
        if (i.occurredAt != null && i.awareAt != null && i.occurredAt.isAfter(i.awareAt)) {
            throw new BadRequestException("occurredAt is after awareAt");
        }
    }

    /** The named fields the incident has no value for. */
    static List<String> missing(BreachIncident incident, List<String> names) {
        List<String> missing = new ArrayList<>();
        for (String name : names) {
            Object value = FIELDS.get(name).get().apply(incident);
            if (value == null || value instanceof List<?> list && list.isEmpty()) {
                missing.add(name);
            }
        }
        return missing;
    }

    static void requirePresent(BreachIncident incident, List<String> names, String forWhat) {
        List<String> missing = missing(incident, names);
        if (!missing.isEmpty()) {
            throw new Refusal(422, "missing_fields", forWhat + " needs " + String.join(", ", missing));
        }
    }

    static Object wire(Object value) {
        if (value instanceof Instant at) {
            return at.toString();
        }
        if (value instanceof Risk risk) {
            return risk.wire();
        }
        return value;
    }

    private static String printable(String key) {
        String cut = key.length() > 40 ? key.substring(0, 40) + "..." : key;
        return cut.replaceAll("[^\\p{Alnum}_.-]", "?");
    }
}
