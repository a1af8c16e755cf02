package dev.kinga.keycloak.roles;

import org.keycloak.models.ClientModel;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;

/** Looks up catalogue references in a realm and names realm roles as references. */
final class RealmRoles {

    private RealmRoles() {
    }

    /** @return the role, or {@code null} if the realm lacks it or its client */
    static RoleModel find(RealmModel realm, RoleRef ref) {
        if (ref.client() == null) {
            return realm.getRole(ref.name());
        }
        ClientModel client = realm.getClientByClientId(ref.client());
        return client == null ? null : client.getRole(ref.name());
    }

    static RoleRef refOf(RoleModel role) {
        if (role.isClientRole() && role.getContainer() instanceof ClientModel client) {
            return RoleRef.client(client.getClientId(), role.getName());
        }
        return RoleRef.realm(role.getName());
    }

    static boolean hasDirectComposite(RoleModel parent, RoleModel child) {
        return parent.getCompositesStream().anyMatch(c -> c.getId().equals(child.getId()));
    }
}
