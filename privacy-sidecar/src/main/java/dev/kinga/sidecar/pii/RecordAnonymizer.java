package dev.kinga.sidecar.pii;

import dev.kinga.sidecar.pii.model.EntityType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.kinga.sidecar.keys.HashKey;
import dev.kinga.sidecar.security.BadRequestException;
import dev.kinga.sidecar.security.MissingPermissionException;
import dev.kinga.sidecar.security.Permissions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Anonymizes a JSON document by field rules keyed by dotted paths ({@code client.name});
 * a path through an array applies to every element. Rules:
 * <ul>
 *   <li>{@code pseudonym}: a stable pseudonym (HMAC, 128 bits: collisions stay negligible, about 1 in 10^23, among
 *       10 million people), optionally keeping the first initial ({@code keepInitial})</li>
 *   <li>{@code generalize}: numbers into the bin of {@code bins} ({@code 34} with [0,18,30,50] to {@code "30-49"}),
 *       dates to their year</li>
 *   <li>{@code redact}: the PII of the types listed in {@code entities} (all if none) removed from the text;
 *       {@code replace}: written as {@code <TYPE>} instead (the text operators' vocabulary)</li>
 *   <li>{@code hash}: HMAC of the value; {@code remove}: the field is dropped</li>
 * </ul>
 * {@code pseudonym} and {@code hash} are deterministic: they let a caller confirm a guessed value, so
 * they need the {@code pii:tokenize-deterministic} permission, like deterministic tokens.
 */
@ApplicationScoped
public class RecordAnonymizer {

    public record FieldRule(String type, Boolean keepInitial, List<Double> bins, List<String> entities) {
    }

    static final int MAX_RULES = 200;
    private static final Pattern YEAR = Pattern.compile("(?<!\\d)(1[89]\\d\\d|20\\d\\d)(?!\\d)");

    @Inject
    PiiEngine engine;

    @Inject
    HashKey keys;

    /** @param deterministicAllowed whether the caller holds {@code pii:tokenize-deterministic} */
    public JsonNode anonymize(JsonNode document, Map<String, FieldRule> rules, boolean deterministicAllowed) {
        if (document == null || !document.isObject() && !document.isArray()) {
            throw new BadRequestException("document must be a JSON object or array");
        }
        if (rules == null || rules.isEmpty()) {
            throw new BadRequestException("fieldRules is required (a map of dotted paths to rules)");
        }
        if (rules.size() > MAX_RULES) {
            throw new BadRequestException("fieldRules: at most " + MAX_RULES);
        }
        rules.forEach(RecordAnonymizer::validate);
        if (!deterministicAllowed) {
            rules.forEach((path, rule) -> {
                if ("pseudonym".equals(rule.type()) || "hash".equals(rule.type())) {
                    throw new MissingPermissionException("fieldRules." + path + ".type " + rule.type() + " is deterministic",
                            Permissions.PII_TOKENIZE_DETERMINISTIC);
                }
            });
        }
        JsonNode copy = document.deepCopy();
        rules.forEach((path, rule) -> apply(copy, List.of(path.split("\\.")), 0, rule));
        return copy;
    }

    private void apply(JsonNode node, List<String> path, int depth, FieldRule rule) {
        if (node == null) {
            return;
        }
        if (node.isArray()) {
            node.forEach(element -> apply(element, path, depth, rule));
            return;
        }
        if (!node.isObject()) {
            return;
        }
        ObjectNode object = (ObjectNode) node;
        String field = path.get(depth);
        if (depth < path.size() - 1) {
            apply(object.get(field), path, depth + 1, rule);
            return;
        }
        JsonNode value = object.get(field);
        if (value == null || value.isNull()) {
            return;
        }
        if ("remove".equals(rule.type())) {
            object.remove(field);
        } else if (value.isArray()) {
            ArrayNode array = (ArrayNode) value;
            for (int i = 0; i < array.size(); i++) {
                array.set(i, transform(array.get(i), rule));
            }
        } else {
            object.set(field, transform(value, rule));
        }
    }

    private JsonNode transform(JsonNode value, FieldRule rule) {
        String text = value.isTextual() ? value.textValue() : value.toString();
        return switch (rule.type()) {
            case "pseudonym" -> TextNode.valueOf(pseudonym(text, Boolean.TRUE.equals(rule.keepInitial())));
            case "hash" -> TextNode.valueOf(keys.hash(text));
            case "generalize" -> TextNode.valueOf(generalize(value, rule.bins()));
            case "redact" -> TextNode.valueOf(Operator.REDACT.rewrite(text, engine.detect(text), chosen(rule.entities())));
            case "replace" -> TextNode.valueOf(Operator.REPLACE.rewrite(text, engine.detect(text), chosen(rule.entities())));
            default -> throw new IllegalStateException("validated before");
        };
    }

    private String pseudonym(String text, boolean keepInitial) {
        String id = keys.hash("pseudonym\u0000" + text).substring(0, 32);
        if (keepInitial && !text.isBlank()) {
            return text.strip().substring(0, text.strip().offsetByCodePoints(0, 1)).toUpperCase(Locale.ROOT) + ". " + id;
        }
        return "person-" + id;
    }

    private static String generalize(JsonNode value, List<Double> bins) {
        if (value.isNumber() && bins != null) {
            double v = value.doubleValue();
            for (int i = 0; i + 1 < bins.size(); i++) {
                if (v >= bins.get(i) && v < bins.get(i + 1)) {
                    return format(bins.get(i)) + "-" + format(bins.get(i + 1) - 1);
                }
            }
            return v < bins.get(0) ? "<" + format(bins.get(0)) : ">=" + format(bins.get(bins.size() - 1));
        }
        Matcher year = YEAR.matcher(value.asText());
        return year.find() ? year.group(1) : "<GENERALIZED>";
    }

    private static Predicate<EntityType> chosen(List<String> entities) {
        return type -> entities == null || entities.isEmpty() || entities.contains(type.name());
    }

    private static String format(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    private static void validate(String path, FieldRule rule) {
        String field = "fieldRules." + path;
        if (path.isBlank() || path.startsWith(".") || path.endsWith(".") || path.contains("..")) {
            throw new BadRequestException(field + ": not a dotted field path");
        }
        if (rule == null || rule.type() == null) {
            throw new BadRequestException(field + ".type is required");
        }
        if (!List.of("pseudonym", "generalize", "redact", "replace", "hash", "remove").contains(rule.type())) {
            throw new BadRequestException(field + ".type: unknown rule '" + rule.type()
                    + "' (expected one of pseudonym, generalize, redact, replace, hash, remove)");
        }
        if (rule.bins() != null) {
            if (rule.bins().size() < 2) {
                throw new BadRequestException(field + ".bins needs at least two bounds");
            }
            for (int i = 1; i < rule.bins().size(); i++) {
                if (rule.bins().get(i) == null || rule.bins().get(i - 1) == null || rule.bins().get(i) <= rule.bins().get(i - 1)) {
                    throw new BadRequestException(field + ".bins must be increasing numbers");
                }
            }
        }
        if (rule.entities() != null) {
            Map<String, Boolean> known = new HashMap<>();
            for (EntityType t : EntityType.values()) {
                known.put(t.name(), true);
            }
            List<String> unknown = new ArrayList<>();
            rule.entities().forEach(e -> {
                if (!known.containsKey(e)) {
                    unknown.add(e);
                }
            });
            if (!unknown.isEmpty()) {
                throw new BadRequestException(field + ".entities: unknown types " + unknown);
            }
        }
    }
}
