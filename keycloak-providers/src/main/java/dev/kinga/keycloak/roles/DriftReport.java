package dev.kinga.keycloak.roles;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.ArrayList;
import java.util.List;

/**
 * Differences between the catalogue and a realm. {@code inSync} ignores
 * {@code unmanagedRoles}: admins may add roles of their own, and those are listed only so
 * they can be reviewed.
 */
public record DriftReport(
        String realm,
        boolean inSync,
        List<String> missingClients,
        List<RoleRef> missingRoles,
        List<CompositeDrift> missingComposites,
        List<CompositeDrift> unexpectedComposites,
        List<RoleRef> missingDefaultRoles,
        List<RoleRef> unexpectedDefaultRoles,
        List<DescriptionDrift> descriptionMismatches,
        List<RoleRef> unmanagedRoles) {

    /** {@code role} should (missing) or should not (unexpected) directly include {@code composite}. */
    public record CompositeDrift(RoleRef role, RoleRef composite) {
        @Override
        public String toString() {
            return role + " > " + composite;
        }
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record DescriptionDrift(RoleRef role, String expected, String actual) {
    }

    /** A one-line summary for logs, e.g. {@code 1 unexpected composite(s): user > kinga-api/metrics:read}. */
    public String summary() {
        List<String> parts = new ArrayList<>();
        part(parts, "missing client(s)", missingClients);
        part(parts, "missing role(s)", missingRoles);
        part(parts, "missing composite(s)", missingComposites);
        part(parts, "unexpected composite(s)", unexpectedComposites);
        part(parts, "missing default role(s)", missingDefaultRoles);
        part(parts, "unexpected default role(s)", unexpectedDefaultRoles);
        if (!descriptionMismatches.isEmpty()) {
            parts.add(descriptionMismatches.size() + " changed description(s): "
                    + descriptionMismatches.stream().map(d -> d.role().toString()).toList());
        }
        return parts.isEmpty() ? "in sync" : String.join("; ", parts);
    }

    private static void part(List<String> parts, String label, List<?> items) {
        if (!items.isEmpty()) {
            parts.add(items.size() + " " + label + ": " + items.stream().map(Object::toString)
                    .reduce((a, b) -> a + ", " + b).orElse(""));
        }
    }
}
