package dev.kinga.keycloak.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Removes secrets before anything reaches the audit trail: by field name (passwords, client
 * secrets, credential values, OTP codes, API keys, tokens, private keys, LDAP bind credentials,
 * identity-provider client secrets, ...) and by value shape (JWTs, Kinga API keys, bearer
 * headers), at any depth of an admin-event representation. Identifiers of such things
 * ({@code token_id}, {@code credential_type}) are kept: they are not secret and investigations need them.
 */
public final class Scrubber {

    public static final String REDACTED = "[REDACTED]";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final Pattern SECRET_NAME = Pattern.compile(
            "password|passwd|pwd|secret|credential|otp|totp|hotp|token|apikey|api[_-]?key|private[_-]?key|privatekey"
                    + "|authorization|cookie|assertion|hashedsaltedvalue|salt|pin|passcode|recovery|backup[_-]?code");
    /** Names that contain a secret word but only identify or classify: kept. */
    private static final Pattern HARMLESS_NAME = Pattern.compile(
            ".*(_id|id|_type|type|_types|types|_count|count|_policy|policy|_lifespan|lifespan|_expiration|expiration"
                    + "|_enabled|enabled|_required|required|_label|label)$");
    private static final Pattern JWT = Pattern.compile("eyJ[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]*");
    private static final Pattern KINGA_API_KEY = Pattern.compile("kinga_[A-Za-z0-9]+_[A-Za-z0-9_-]{20,}");
    private static final Pattern BEARER = Pattern.compile("(?i)(bearer|basic)\\s+[A-Za-z0-9._~+/=-]{8,}");

    private Scrubber() {
    }

    /** Event details (flat key/value) as a JSON object, scrubbed. */
    public static ObjectNode details(Map<String, String> details) {
        ObjectNode node = JSON.createObjectNode();
        if (details != null) {
            details.forEach((key, value) -> node.put(key, isSecretName(key) ? REDACTED : scrubText(value)));
        }
        return node;
    }

    /** An admin-event representation (JSON text), scrubbed; unparsable text is dropped, not stored raw. */
    public static JsonNode representation(String json) {
        if (json == null || json.isBlank()) {
            return null;
        }
        try {
            return scrub(JSON.readTree(json), false);
        } catch (Exception notJson) {
            return TextNode.valueOf("[UNPARSABLE REPRESENTATION DROPPED]");
        }
    }

    static boolean isSecretName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return SECRET_NAME.matcher(lower).find() && !HARMLESS_NAME.matcher(lower).matches();
    }

    static String scrubText(String value) {
        if (value == null) {
            return null;
        }
        String scrubbed = JWT.matcher(value).replaceAll(REDACTED);
        scrubbed = KINGA_API_KEY.matcher(scrubbed).replaceAll(REDACTED);
        return BEARER.matcher(scrubbed).replaceAll(REDACTED);
    }

    /**
     * @param credentialShape whether this object is a credential representation, whose
     *                        {@code value} field is the secret itself
     */
    private static JsonNode scrub(JsonNode node, boolean credentialShape) {
        if (node.isObject()) {
            ObjectNode object = (ObjectNode) node;
            boolean credential = credentialShape || (object.has("type") && object.has("value"));
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                String name = field.getKey();
                if ("credentials".equals(name) && field.getValue().isArray()) {
                    field.getValue().forEach(c -> scrub(c, true)); // keep types and labels, drop values
                } else if (isSecretName(name) && !field.getValue().isObject() && !isBooleanOrNumber(field.getValue())
                        || credential && ("value".equals(name) || "secretData".equals(name) || "credentialData".equals(name))) {
                    field.setValue(TextNode.valueOf(REDACTED));
                } else {
                    field.setValue(scrub(field.getValue(), false));
                }
            }
            return object;
        }
        if (node.isArray()) {
            ArrayNode array = (ArrayNode) node;
            for (int i = 0; i < array.size(); i++) {
                array.set(i, scrub(array.get(i), credentialShape));
            }
            return array;
        }
        if (node.isTextual()) {
            return TextNode.valueOf(scrubText(node.textValue()));
        }
        return node;
    }

    private static boolean isBooleanOrNumber(JsonNode node) {
        return node.isBoolean() || node.isNumber();
    }
}
