package dev.kinga.keycloak.apikey;

import org.keycloak.models.ClientModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.RoleUtils;

import java.util.Set;
import java.util.TreeSet;

/**
 * A key's scopes are the roles its tokens may carry, named as in tokens: a realm role by its
 * name ({@code analyst}), a client role as {@code <clientId>/<role>} ({@code kinga-api/metrics:read}).
 * They must be a subset of what the client's service account holds (composites expanded).
 */
final class ApiKeyScopes {

    private ApiKeyScopes() {
    }

    static String clientRole(String clientId, String role) {
        return clientId + "/" + role;
    }

    /** Every scope the client's service account could be given, sorted. */
    static Set<String> available(UserModel serviceAccount) {
        Set<String> names = new TreeSet<>();
        for (RoleModel role : RoleUtils.getDeepUserRoleMappings(serviceAccount)) {
            if (role.isClientRole()) {
                names.add(clientRole(((ClientModel) role.getContainer()).getClientId(), role.getName()));
            } else {
                names.add(role.getName());
            }
        }
        return names;
    }
}
