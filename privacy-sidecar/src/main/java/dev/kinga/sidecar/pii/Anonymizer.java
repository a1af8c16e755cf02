package dev.kinga.sidecar.pii;

import dev.kinga.sidecar.keys.HashKey;
import dev.kinga.sidecar.pii.model.EntityType;
import dev.kinga.sidecar.security.BadRequestException;
import dev.kinga.sidecar.security.MissingPermissionException;
import dev.kinga.sidecar.security.Permissions;
import dev.kinga.sidecar.vault.TokenScheme;
import dev.kinga.sidecar.vault.TokenVault;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Applies an operator per entity type to detected entities: redact, replace ({@code <TYPE>}
 * by default), mask, hash (HMAC), tokenize (reversible through the vault; random tokens unless
 * {@code scheme} is {@code deterministic} in a configured {@code domain}) or generalize (dates of
 * birth to their year). Types without an operator, and without a {@code DEFAULT} one, are
 * replaced by {@code <TYPE>}. The deterministic operators (hash, deterministic tokens) let a
 * caller confirm guesses of low-entropy values, so they need {@code pii:tokenize-deterministic}.
 */
@ApplicationScoped
public class Anonymizer {

    static final int MAX_TOKENIZED = 1000;
    static final Set<String> OPERATORS = Set.of("redact", "replace", "mask", "hash", "tokenize", "generalize");

    @Inject
    PiiEngine engine;

    @Inject
    HashKey keys;

    @Inject
    TokenVault vault;

    @ConfigProperty(name = "kinga.pii.token-domains", defaultValue = "care-records,research")
    List<String> domains;

    /** @param deterministicAllowed whether the caller holds {@code pii:tokenize-deterministic} */
    public PiiApi.AnonymizeResponse anonymize(String text, Map<String, PiiApi.Operator> operators, boolean deterministicAllowed) {
        return anonymize(text, operators, deterministicAllowed, null);
    }

    /** @param subjectId the person the text is about (Keycloak user id), or null: tokens made are theirs */
    public PiiApi.AnonymizeResponse anonymize(String text, Map<String, PiiApi.Operator> operators, boolean deterministicAllowed,
                                              String subjectId) {
        Map<String, PiiApi.Operator> specs = operators == null ? Map.of() : operators;
        validate(specs);
        specs.forEach((type, op) -> {
            if (deterministic(op) && !deterministicAllowed) {
                throw new MissingPermissionException("operators." + type + " is deterministic (" + op.type().toLowerCase(Locale.ROOT)
                        + (op.scheme() == null ? "" : ", scheme " + op.scheme()) + ")", Permissions.PII_TOKENIZE_DETERMINISTIC);
            }
        });
        List<Detection> detections = engine.detect(text);
        long toTokenize = detections.stream().map(d -> specs.getOrDefault(d.type().name(), specs.get("DEFAULT")))
                .filter(op -> op != null && "tokenize".equalsIgnoreCase(op.type())).count();
        if (toTokenize > MAX_TOKENIZED) {
            throw new BadRequestException("text: " + toTokenize + " values to tokenize; at most " + MAX_TOKENIZED
                    + " per request (each is a vault entry)");
        }
        StringBuilder out = new StringBuilder(text.length());
        List<PiiApi.Anonymized> items = new ArrayList<>();
        int cursor = 0;
        for (Detection d : detections) {
            PiiApi.Operator op = specs.getOrDefault(d.type().name(), specs.get("DEFAULT"));
            String name = op == null ? "replace" : op.type().toLowerCase(Locale.ROOT);
            out.append(text, cursor, d.start());
            out.append(operator(name, op, subjectId).apply(d.type(), text.substring(d.start(), d.end())));
            cursor = d.end();
            items.add(new PiiApi.Anonymized(d.type().name(), d.start(), d.end(), name));
        }
        out.append(text, cursor, text.length());
        return new PiiApi.AnonymizeResponse(out.toString(), items, null);
    }

    /** The operator a request names, with its settings. */
    private Operator operator(String name, PiiApi.Operator op, String subjectId) {
        return switch (name) {
            case "redact" -> Operator.REDACT;
            case "replace" -> Operator.replaceWith(op == null ? null : op.value());
            case "mask" -> Operator.mask(op.maskingChar() == null ? '*' : op.maskingChar().charAt(0), op.charsToMask(),
                    Boolean.TRUE.equals(op.fromEnd()));
            case "hash" -> (type, value) -> keys.hash(value);
            case "tokenize" -> deterministic(op)
                    ? (type, value) -> vault.tokenize(type, value, TokenScheme.DETERMINISTIC, op.domain(), subjectId)
                    : (type, value) -> vault.tokenize(type, value, TokenScheme.RANDOM, null, subjectId);
            case "generalize" -> Operator.GENERALIZE;
            default -> throw new IllegalStateException("validated before");
        };
    }

    private static boolean deterministic(PiiApi.Operator op) {
        String type = op.type().toLowerCase(Locale.ROOT);
        return "hash".equals(type) || "tokenize".equals(type) && "deterministic".equalsIgnoreCase(op.scheme());
    }

    private void validate(Map<String, PiiApi.Operator> specs) {
        for (Map.Entry<String, PiiApi.Operator> e : specs.entrySet()) {
            String field = "operators." + e.getKey();
            if (!"DEFAULT".equals(e.getKey())) {
                try {
                    EntityType.valueOf(e.getKey());
                } catch (IllegalArgumentException unknown) {
                    throw new BadRequestException(field + ": unknown entity type (expected one of "
                            + List.of(EntityType.values()) + " or DEFAULT)");
                }
            }
            PiiApi.Operator op = e.getValue();
            if (op == null || op.type() == null) {
                throw new BadRequestException(field + ".type is required");
            }
            String name = op.type().toLowerCase(Locale.ROOT);
            if (!OPERATORS.contains(name)) {
                throw new BadRequestException(field + ".type: unknown operator '" + op.type()
                        + "' (expected one of redact, replace, mask, hash, tokenize, generalize)");
            }
            if ("generalize".equals(name) && !"DATE_OF_BIRTH".equals(e.getKey())) {
                throw new BadRequestException(field + ".type: generalize applies to DATE_OF_BIRTH only");
            }
            if (op.maskingChar() != null && op.maskingChar().length() != 1) {
                throw new BadRequestException(field + ".maskingChar must be one character");
            }
            if (op.charsToMask() != null && op.charsToMask() < 0) {
                throw new BadRequestException(field + ".charsToMask must not be negative");
            }
            if (op.scheme() != null || op.domain() != null) {
                if (!"tokenize".equals(name)) {
                    throw new BadRequestException(field + ": scheme and domain apply to tokenize only");
                }
                String scheme = op.scheme() == null ? "random" : op.scheme().toLowerCase(Locale.ROOT);
                if (!scheme.equals("random") && !scheme.equals("deterministic")) {
                    throw new BadRequestException(field + ".scheme: expected random or deterministic");
                }
                if (scheme.equals("deterministic") && (op.domain() == null || !domains.contains(op.domain()))) {
                    throw new BadRequestException(field + ".domain: deterministic tokens need a token domain, one of " + domains);
                }
                if (scheme.equals("random") && op.domain() != null) {
                    throw new BadRequestException(field + ".domain applies to deterministic tokens only");
                }
            }
        }
    }
}
