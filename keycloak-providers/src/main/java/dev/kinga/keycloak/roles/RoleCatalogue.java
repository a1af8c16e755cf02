package dev.kinga.keycloak.roles;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The declarative role catalogue: which realms it governs, the permission clients and their
 * permissions (client roles), the realm roles with their composites, and the default roles.
 * <p>
 * Instances are only created by {@link RoleCatalogueParser}, which guarantees that every
 * reference resolves and that the role hierarchy has no cycle.
 *
 * @param source       where the catalogue was read from (for messages)
 * @param realms       names of the realms the catalogue governs
 * @param clients      permission clients by client id, in declaration order
 * @param roles        realm roles by name, in declaration order
 * @param defaultRoles realm roles every new user of a governed realm receives
 */
public record RoleCatalogue(
        String source,
        List<String> realms,
        Map<String, PermissionClient> clients,
        Map<String, CatalogueRole> roles,
        List<String> defaultRoles) {

    /** A client whose client roles are used as permissions. */
    public record PermissionClient(String clientId, String description, Map<String, String> permissions) {
    }

    /**
     * A realm role.
     *
     * @param includes    realm roles this role is a composite of (its direct children in the hierarchy)
     * @param permissions client id to permission names this role is a composite of
     */
    public record CatalogueRole(String name, String description, List<String> includes,
                                Map<String, List<String>> permissions) {
    }

    public boolean governs(String realmName) {
        return realms.contains(realmName);
    }

    /** Every role the catalogue manages, realm roles first, as references. */
    public Set<RoleRef> managedRoles() {
        Set<RoleRef> refs = new LinkedHashSet<>();
        roles.keySet().forEach(name -> refs.add(RoleRef.realm(name)));
        clients.values().forEach(c -> c.permissions().keySet().forEach(p -> refs.add(RoleRef.client(c.clientId(), p))));
        return refs;
    }

    /** The direct composites a catalogue role declares, as references. */
    public List<RoleRef> compositesOf(CatalogueRole role) {
        List<RoleRef> refs = new ArrayList<>();
        role.includes().forEach(name -> refs.add(RoleRef.realm(name)));
        role.permissions().forEach((clientId, names) -> names.forEach(p -> refs.add(RoleRef.client(clientId, p))));
        return refs;
    }
}
