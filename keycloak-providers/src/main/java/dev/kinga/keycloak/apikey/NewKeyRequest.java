package dev.kinga.keycloak.apikey;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.keycloak.common.util.Time;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The body of "create a key": {@code name}, {@code scopes}, an expiry ({@code expiresInDays} or
 * {@code expiresAt}, ISO-8601) and optional {@code allowedCidrs}. Parsed by hand so every mistake
 * is named in a 400 answer instead of a generic deserialization error.
 */
record NewKeyRequest(String name, Set<String> scopes, long expiresAt, List<CidrBlock> allowedCidrs) {

    static final int MAX_NAME = 100;
    static final int MAX_SCOPES = 100;
    static final int MAX_CIDRS = 50;
    private static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode readObject(String body, boolean required) {
        if (body == null || body.isBlank()) {
            if (required) {
                throw InvalidKeyRequestException.invalid("a JSON object is required");
            }
            return JSON.createObjectNode();
        }
        try {
            JsonNode node = JSON.readTree(body);
            if (node == null || !node.isObject()) {
                throw InvalidKeyRequestException.invalid("the body must be a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw InvalidKeyRequestException.invalid("the body is not valid JSON");
        }
    }

    static NewKeyRequest parse(JsonNode body, int maxLifetimeDays) {
        String name = text(body, "name");
        if (name == null || name.isBlank() || name.length() > MAX_NAME || name.chars().anyMatch(Character::isISOControl)) {
            throw InvalidKeyRequestException.invalid("name is required: 1 to " + MAX_NAME + " characters, no control characters");
        }
        return new NewKeyRequest(name.strip(), scopes(body), expiresAt(body, maxLifetimeDays), cidrs(body));
    }

    static Set<String> scopes(JsonNode body) {
        JsonNode node = body.get("scopes");
        if (node == null || !node.isArray() || node.isEmpty() || node.size() > MAX_SCOPES) {
            throw InvalidKeyRequestException.invalid("scopes is required: a list of 1 to " + MAX_SCOPES
                    + " role names (realm role 'name', client role 'clientId/role')");
        }
        Set<String> scopes = new LinkedHashSet<>();
        for (JsonNode scope : node) {
            if (!scope.isTextual() || scope.asText().isBlank() || scope.asText().length() > 255
                    || scope.asText().chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
                throw InvalidKeyRequestException.invalid("each scope must be a role name without spaces");
            }
            scopes.add(scope.asText());
        }
        return scopes;
    }

    /** Expiry from {@code expiresInDays} or {@code expiresAt}: exactly one, in the future, within the maximum lifetime. */
    static long expiresAt(JsonNode body, int maxLifetimeDays) {
        JsonNode days = body.get("expiresInDays");
        JsonNode at = body.get("expiresAt");
        if ((days == null) == (at == null)) {
            throw InvalidKeyRequestException.invalid("give exactly one of expiresInDays (1 to " + maxLifetimeDays
                    + ") or expiresAt (ISO-8601 instant): every key expires");
        }
        long now = Time.currentTime();
        long max = now + maxLifetimeDays * 86_400L;
        long expiresAt;
        if (days != null) {
            if (!days.isIntegralNumber() || days.asLong() < 1 || days.asLong() > maxLifetimeDays) {
                throw InvalidKeyRequestException.invalid("expiresInDays must be a whole number from 1 to " + maxLifetimeDays);
            }
            expiresAt = now + days.asLong() * 86_400L;
        } else {
            if (!at.isTextual()) {
                throw InvalidKeyRequestException.invalid("expiresAt must be an ISO-8601 instant, e.g. 2027-01-31T00:00:00Z");
            }
            try {
                expiresAt = Instant.parse(at.asText()).getEpochSecond();
            } catch (DateTimeParseException e) {
                throw InvalidKeyRequestException.invalid("expiresAt must be an ISO-8601 instant, e.g. 2027-01-31T00:00:00Z");
            }
            if (expiresAt <= now) {
                throw InvalidKeyRequestException.invalid("expiresAt must be in the future");
            }
            if (expiresAt > max) {
                throw InvalidKeyRequestException.invalid("expiresAt is beyond the maximum lifetime of " + maxLifetimeDays + " days");
            }
        }
        return expiresAt;
    }

    static List<CidrBlock> cidrs(JsonNode body) {
        JsonNode node = body.get("allowedCidrs");
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray() || node.size() > MAX_CIDRS) {
            throw InvalidKeyRequestException.invalid("allowedCidrs must be a list of at most " + MAX_CIDRS + " CIDR blocks");
        }
        List<CidrBlock> blocks = new ArrayList<>();
        for (JsonNode cidr : node) {
            try {
                blocks.add(CidrBlock.parse(cidr.isTextual() ? cidr.asText() : null));
            } catch (IllegalArgumentException e) {
                throw InvalidKeyRequestException.invalid("allowedCidrs: not a CIDR block (e.g. 10.0.0.0/8, 2001:db8::/32)");
            }
        }
        return blocks;
    }

    static Integer optionalInt(JsonNode body, String field, int min, int max) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isIntegralNumber() || node.asLong() < min || node.asLong() > max) {
            throw InvalidKeyRequestException.invalid(field + " must be a whole number from " + min + " to " + max);
        }
        return node.asInt();
    }

    private static String text(JsonNode body, String field) {
        JsonNode node = body.get(field);
        return node != null && node.isTextual() ? node.asText() : null;
    }
}
