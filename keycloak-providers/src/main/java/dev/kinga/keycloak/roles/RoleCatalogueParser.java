package dev.kinga.keycloak.roles;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads and validates a role catalogue (YAML, or JSON which is a subset of it).
 * <p>
 * Validation is complete before anything is returned: every problem found is reported at
 * once, each named by its path in the file, so an operator fixes the file in one pass.
 * See {@code docs/roles.md} for the format.
 */
public final class RoleCatalogueParser {

    static final int MAX_NAME_LENGTH = 255;
    private static final long MAX_FILE_BYTES = 1024 * 1024;
    private static final Set<String> TOP_LEVEL_KEYS = Set.of("version", "realms", "clients", "roles", "defaultRoles");
    private static final Set<String> CLIENT_KEYS = Set.of("description", "permissions");
    private static final Set<String> ROLE_KEYS = Set.of("description", "includes", "permissions");
    /** Roles Keycloak creates in every realm; the catalogue must not redefine them. */
    private static final Set<String> BUILT_IN_REALM_ROLES = Set.of("offline_access", "uma_authorization");

    private static final ObjectMapper YAML = new ObjectMapper(
            YAMLFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());

    private RoleCatalogueParser() {
    }

    public static RoleCatalogue parse(Path file) {
        String source = file.toString();
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new InvalidCatalogueException(source, List.of("file is larger than 1 MiB"));
            }
            try (InputStream in = Files.newInputStream(file)) {
                return parse(in, source);
            }
        } catch (NoSuchFileException e) {
            throw new InvalidCatalogueException(source, List.of("file not found"));
        } catch (IOException e) {
            throw new InvalidCatalogueException(source, List.of("cannot be read: " + e.getClass().getSimpleName()));
        }
    }

    public static RoleCatalogue parse(InputStream in, String source) {
        JsonNode root;
        try {
            root = YAML.readTree(in);
        } catch (JsonParseException e) {
            throw new InvalidCatalogueException(source, List.of(syntaxProblem(e)));
        } catch (JsonProcessingException e) {
            throw new InvalidCatalogueException(source, List.of(syntaxProblem(e)));
        } catch (IOException e) {
            throw new InvalidCatalogueException(source, List.of("cannot be read: " + e.getClass().getSimpleName()));
        }
        return new Validation(source).run(root);
    }

    private static String syntaxProblem(JsonProcessingException e) {
        String where = e.getLocation() == null ? ""
                : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
        return "not valid YAML" + where + ": " + e.getOriginalMessage();
    }

    /** One validation pass; collects every problem before failing. */
    private static final class Validation {
        private final String source;
        private final List<String> problems = new ArrayList<>();

        Validation(String source) {
            this.source = source;
        }

        RoleCatalogue run(JsonNode root) {
            if (root == null || root.isMissingNode() || root.isNull()) {
                throw new InvalidCatalogueException(source, List.of("file is empty"));
            }
            if (!root.isObject()) {
                throw new InvalidCatalogueException(source, List.of("top level must be a mapping"));
            }
            unknownKeys(root, TOP_LEVEL_KEYS, "");
            JsonNode version = root.get("version");
            if (version != null && !(version.isInt() && version.intValue() == 1)) {
                problems.add("version: only version 1 is supported");
            }

            List<String> realms = realms(root.get("realms"));
            Map<String, RoleCatalogue.PermissionClient> clients = clients(root.get("clients"));
            Map<String, RoleCatalogue.CatalogueRole> roles = roles(root.get("roles"), clients);
            List<String> defaultRoles = stringList(root.get("defaultRoles"), "defaultRoles");
            for (int i = 0; i < defaultRoles.size(); i++) {
                if (!roles.containsKey(defaultRoles.get(i))) {
                    problems.add("defaultRoles[" + i + "]: unknown role '" + defaultRoles.get(i) + "'");
                }
            }
            noCycles(roles);

            if (!problems.isEmpty()) {
                throw new InvalidCatalogueException(source, problems);
            }
            return new RoleCatalogue(source, List.copyOf(realms), Collections.unmodifiableMap(clients),
                    Collections.unmodifiableMap(roles), List.copyOf(defaultRoles));
        }

        private List<String> realms(JsonNode node) {
            if (node == null) {
                problems.add("realms: required (the realms this catalogue governs)");
                return List.of();
            }
            List<String> realms = stringList(node, "realms");
            if (node.isArray() && realms.isEmpty()) {
                problems.add("realms: must name at least one realm");
            }
            return realms;
        }

        private Map<String, RoleCatalogue.PermissionClient> clients(JsonNode node) {
            Map<String, RoleCatalogue.PermissionClient> clients = new LinkedHashMap<>();
            if (node == null || node.isNull()) {
                return clients;
            }
            if (!node.isObject()) {
                problems.add("clients: must be a mapping of client id to its permissions");
                return clients;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                String clientId = entry.getKey();
                String path = "clients." + clientId;
                checkName(clientId, path);
                JsonNode body = entry.getValue();
                if (body == null || body.isNull()) {
                    body = YAML.createObjectNode();
                }
                if (!body.isObject()) {
                    problems.add(path + ": must be a mapping with 'description' and 'permissions'");
                    continue;
                }
                unknownKeys(body, CLIENT_KEYS, path + ".");
                String description = text(body.get("description"), path + ".description");
                Map<String, String> permissions = new LinkedHashMap<>();
                JsonNode perms = body.get("permissions");
                if (perms != null && !perms.isNull()) {
                    if (!perms.isObject()) {
                        problems.add(path + ".permissions: must be a mapping of permission name to description");
                    } else {
                        perms.fields().forEachRemaining(p -> {
                            String permPath = path + ".permissions." + p.getKey();
                            checkName(p.getKey(), permPath);
                            permissions.put(p.getKey(), text(p.getValue(), permPath));
                        });
                    }
                }
                clients.put(clientId, new RoleCatalogue.PermissionClient(clientId, description,
                        Collections.unmodifiableMap(permissions)));
            }
            return clients;
        }

        private Map<String, RoleCatalogue.CatalogueRole> roles(JsonNode node,
                                                               Map<String, RoleCatalogue.PermissionClient> clients) {
            Map<String, RoleCatalogue.CatalogueRole> roles = new LinkedHashMap<>();
            if (node == null) {
                problems.add("roles: required (the realm roles to seed)");
                return roles;
            }
            if (!node.isObject()) {
                problems.add("roles: must be a mapping of role name to its definition");
                return roles;
            }
            Set<String> declared = new HashSet<>();
            node.fieldNames().forEachRemaining(declared::add);
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                String name = entry.getKey();
                String path = "roles." + name;
                checkName(name, path);
                if (BUILT_IN_REALM_ROLES.contains(name) || name.startsWith("default-roles-")) {
                    problems.add(path + ": '" + name + "' is a role Keycloak manages itself");
                }
                JsonNode body = entry.getValue();
                if (body == null || body.isNull()) {
                    body = YAML.createObjectNode();
                }
                if (!body.isObject()) {
                    problems.add(path + ": must be a mapping with 'description', 'includes' and 'permissions'");
                    continue;
                }
                unknownKeys(body, ROLE_KEYS, path + ".");
                String description = text(body.get("description"), path + ".description");
                List<String> includes = stringList(body.get("includes"), path + ".includes");
                for (int i = 0; i < includes.size(); i++) {
                    String included = includes.get(i);
                    if (included.equals(name)) {
                        problems.add(path + ".includes[" + i + "]: a role cannot include itself");
                    } else if (!declared.contains(included)) {
                        problems.add(path + ".includes[" + i + "]: unknown role '" + included + "'");
                    }
                }
                Map<String, List<String>> permissions = rolePermissions(body.get("permissions"), path, clients);
                includes.remove(name); // already reported; keeps the cycle check from reporting it twice
                roles.put(name, new RoleCatalogue.CatalogueRole(name, description, List.copyOf(includes),
                        Collections.unmodifiableMap(permissions)));
            }
            return roles;
        }

        private Map<String, List<String>> rolePermissions(JsonNode node, String rolePath,
                                                          Map<String, RoleCatalogue.PermissionClient> clients) {
            Map<String, List<String>> permissions = new LinkedHashMap<>();
            if (node == null || node.isNull()) {
                return permissions;
            }
            String path = rolePath + ".permissions";
            if (!node.isObject()) {
                problems.add(path + ": must be a mapping of client id to a list of permissions");
                return permissions;
            }
            node.fields().forEachRemaining(entry -> {
                String clientId = entry.getKey();
                String clientPath = path + "." + clientId;
                List<String> names = stringList(entry.getValue(), clientPath);
                RoleCatalogue.PermissionClient client = clients.get(clientId);
                if (client == null) {
                    problems.add(clientPath + ": unknown client '" + clientId + "' (declare it under 'clients')");
                } else {
                    for (int i = 0; i < names.size(); i++) {
                        if (!client.permissions().containsKey(names.get(i))) {
                            problems.add(clientPath + "[" + i + "]: unknown permission '" + names.get(i)
                                    + "' of client '" + clientId + "'");
                        }
                    }
                }
                permissions.put(clientId, List.copyOf(names));
            });
            return permissions;
        }

        /** Depth-first search for a cycle in the includes graph; reports each cycle once. */
        private void noCycles(Map<String, RoleCatalogue.CatalogueRole> roles) {
            Set<String> done = new HashSet<>();
            for (String start : roles.keySet()) {
                findCycle(start, roles, new LinkedHashSet<>(), done);
            }
        }

        private void findCycle(String role, Map<String, RoleCatalogue.CatalogueRole> roles,
                               LinkedHashSet<String> onPath, Set<String> done) {
            if (done.contains(role) || !roles.containsKey(role)) {
                return;
            }
            if (onPath.contains(role)) {
                List<String> cycle = new ArrayList<>();
                boolean in = false;
                for (String r : onPath) {
                    in |= r.equals(role);
                    if (in) {
                        cycle.add(r);
                    }
                }
                cycle.add(role);
                problems.add("roles." + role + ".includes: cycle " + String.join(" -> ", cycle));
                return;
            }
            onPath.add(role);
            for (String child : roles.get(role).includes()) {
                findCycle(child, roles, onPath, done);
            }
            onPath.remove(role);
            done.add(role);
        }

        private List<String> stringList(JsonNode node, String path) {
            List<String> values = new ArrayList<>();
            if (node == null || node.isNull()) {
                return values;
            }
            if (!node.isArray()) {
                problems.add(path + ": must be a list");
                return values;
            }
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < node.size(); i++) {
                JsonNode item = node.get(i);
                if (!item.isTextual() || item.textValue().isBlank()) {
                    problems.add(path + "[" + i + "]: must be a non-empty name");
                } else if (!seen.add(item.textValue())) {
                    problems.add(path + "[" + i + "]: '" + item.textValue() + "' is listed twice");
                } else {
                    values.add(item.textValue());
                }
            }
            return values;
        }

        private String text(JsonNode node, String path) {
            if (node == null || node.isNull()) {
                return null;
            }
            if (!node.isTextual()) {
                problems.add(path + ": must be text");
                return null;
            }
            return node.textValue();
        }

        private void checkName(String name, String path) {
            if (name.isBlank()) {
                problems.add(path + ": name must not be blank");
            } else if (name.length() > MAX_NAME_LENGTH) {
                problems.add(path + ": name is longer than " + MAX_NAME_LENGTH + " characters");
            } else if (!name.strip().equals(name) || name.chars().anyMatch(Character::isISOControl)) {
                problems.add(path + ": name has leading/trailing spaces or control characters");
            }
        }

        private void unknownKeys(JsonNode node, Set<String> allowed, String prefix) {
            node.fieldNames().forEachRemaining(key -> {
                if (!allowed.contains(key)) {
                    problems.add(prefix + key + ": unknown key (expected one of " + String.join(", ",
                            allowed.stream().sorted().toList()) + ")");
                }
            });
        }
    }
}
