package dev.kinga.keycloak.roles;

import org.keycloak.models.ClientModel;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;

import java.util.ArrayList;
import java.util.List;

/**
 * Brings a realm up to the catalogue, additively: creates missing permission clients, roles,
 * composites and default roles. It never removes a role, a composite or a default role, and
 * never overwrites a description an admin changed; such differences are drift (see
 * {@link DriftDetector}). Running it twice changes nothing the second time.
 * <p>
 * It runs inside the caller's transaction, so a failure leaves the realm as it was.
 */
public final class RoleSeeder {

    private final RoleCatalogue catalogue;

    public RoleSeeder(RoleCatalogue catalogue) {
        this.catalogue = catalogue;
    }

    /** @return one line per change made, empty when the realm was already up to date */
    public List<String> seed(RealmModel realm) {
        List<String> changes = new ArrayList<>();
        catalogue.clients().values().forEach(client -> seedClient(realm, client, changes));
        catalogue.roles().values().forEach(role -> {
            RoleModel model = realm.getRole(role.name());
            if (model == null) {
                realm.addRole(role.name()).setDescription(role.description());
                changes.add("created role " + role.name());
            } else {
                describeIfBlank(model, role.description(), role.name(), changes);
            }
        });
        catalogue.roles().values().forEach(role -> {
            RoleModel parent = realm.getRole(role.name());
            for (RoleRef ref : catalogue.compositesOf(role)) {
                RoleModel child = RealmRoles.find(realm, ref);
                if (!RealmRoles.hasDirectComposite(parent, child)) {
                    parent.addCompositeRole(child);
                    changes.add("added " + ref + " to role " + role.name());
                }
            }
        });
        RoleModel defaults = realm.getDefaultRole();
        for (String name : catalogue.defaultRoles()) {
            RoleModel role = realm.getRole(name);
            if (!RealmRoles.hasDirectComposite(defaults, role)) {
                defaults.addCompositeRole(role);
                changes.add("added " + name + " to default roles");
            }
        }
        return changes;
    }

    private static void seedClient(RealmModel realm, RoleCatalogue.PermissionClient spec, List<String> changes) {
        ClientModel client = realm.getClientByClientId(spec.clientId());
        if (client == null) {
            client = realm.addClient(spec.clientId());
            // A permission holder only: it issues nothing and nobody logs in through it.
            client.setProtocol("openid-connect");
            client.setDescription(spec.description());
            client.setBearerOnly(true);
            client.setPublicClient(false);
            client.setStandardFlowEnabled(false);
            client.setImplicitFlowEnabled(false);
            client.setDirectAccessGrantsEnabled(false);
            client.setServiceAccountsEnabled(false);
            client.setFullScopeAllowed(false);
            changes.add("created client " + spec.clientId());
        }
        for (var permission : spec.permissions().entrySet()) {
            String ref = spec.clientId() + "/" + permission.getKey();
            RoleModel model = client.getRole(permission.getKey());
            if (model == null) {
                client.addRole(permission.getKey()).setDescription(permission.getValue());
                changes.add("created permission " + ref);
            } else {
                describeIfBlank(model, permission.getValue(), ref, changes);
            }
        }
    }

    /**
     * A role can exist before seeding without a description (a realm import creates the roles its
     * users reference). Filling a blank is not overriding an admin's text, so it is seeded.
     */
    private static void describeIfBlank(RoleModel role, String description, String ref, List<String> changes) {
        if (description != null && (role.getDescription() == null || role.getDescription().isBlank())) {
            role.setDescription(description);
            changes.add("described role " + ref);
        }
    }
}
