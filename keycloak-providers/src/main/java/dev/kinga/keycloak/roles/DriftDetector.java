package dev.kinga.keycloak.roles;

import org.keycloak.models.ClientModel;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/** Compares a realm with the catalogue without changing either. */
public final class DriftDetector {

    private final RoleCatalogue catalogue;

    public DriftDetector(RoleCatalogue catalogue) {
        this.catalogue = catalogue;
    }

    public DriftReport detect(RealmModel realm) {
        List<String> missingClients = new ArrayList<>();
        List<RoleRef> missingRoles = new ArrayList<>();
        List<DriftReport.CompositeDrift> missingComposites = new ArrayList<>();
        List<DriftReport.CompositeDrift> unexpectedComposites = new ArrayList<>();
        List<RoleRef> missingDefaults = new ArrayList<>();
        List<RoleRef> unexpectedDefaults = new ArrayList<>();
        List<DriftReport.DescriptionDrift> descriptions = new ArrayList<>();
        Set<RoleRef> managed = catalogue.managedRoles();

        catalogue.clients().values().forEach(client -> {
            if (realm.getClientByClientId(client.clientId()) == null) {
                missingClients.add(client.clientId());
            }
            client.permissions().forEach((name, description) ->
                    checkRole(realm, RoleRef.client(client.clientId(), name), description, missingRoles, descriptions));
        });
        catalogue.roles().values().forEach(role -> {
            RoleModel model = checkRole(realm, RoleRef.realm(role.name()), role.description(), missingRoles, descriptions);
            List<RoleRef> declared = catalogue.compositesOf(role);
            Set<RoleRef> actual = new HashSet<>();
            if (model != null) {
                model.getCompositesStream().map(RealmRoles::refOf).forEach(actual::add);
            }
            for (RoleRef ref : declared) {
                if (!actual.contains(ref)) {
                    missingComposites.add(new DriftReport.CompositeDrift(RoleRef.realm(role.name()), ref));
                }
            }
            actual.stream().filter(ref -> !declared.contains(ref)).sorted(RoleRefOrder.INSTANCE)
                    .forEach(ref -> unexpectedComposites.add(new DriftReport.CompositeDrift(RoleRef.realm(role.name()), ref)));
        });
        // Permissions are leaves in the catalogue: any composite an admin gave one is drift.
        catalogue.clients().values().forEach(client -> {
            ClientModel model = realm.getClientByClientId(client.clientId());
            if (model == null) {
                return;
            }
            client.permissions().keySet().forEach(name -> {
                RoleModel permission = model.getRole(name);
                if (permission != null) {
                    permission.getCompositesStream().map(RealmRoles::refOf).sorted(RoleRefOrder.INSTANCE)
                            .forEach(ref -> unexpectedComposites.add(new DriftReport.CompositeDrift(
                                    RoleRef.client(client.clientId(), name), ref)));
                }
            });
        });

        Set<RoleRef> defaults = new HashSet<>();
        realm.getDefaultRole().getCompositesStream().map(RealmRoles::refOf).forEach(defaults::add);
        catalogue.defaultRoles().stream().map(RoleRef::realm).filter(ref -> !defaults.contains(ref))
                .forEach(missingDefaults::add);
        defaults.stream()
                .filter(managed::contains)
                .filter(ref -> !(ref.client() == null && catalogue.defaultRoles().contains(ref.name())))
                .sorted(RoleRefOrder.INSTANCE)
                .forEach(unexpectedDefaults::add);

        List<RoleRef> unmanaged = unmanagedRoles(realm, managed);
        boolean inSync = missingClients.isEmpty() && missingRoles.isEmpty() && missingComposites.isEmpty()
                && unexpectedComposites.isEmpty() && missingDefaults.isEmpty() && unexpectedDefaults.isEmpty()
                && descriptions.isEmpty();
        return new DriftReport(realm.getName(), inSync, missingClients, missingRoles, missingComposites,
                unexpectedComposites, missingDefaults, unexpectedDefaults, descriptions, unmanaged);
    }

    private static RoleModel checkRole(RealmModel realm, RoleRef ref, String description,
                                       List<RoleRef> missing, List<DriftReport.DescriptionDrift> descriptions) {
        RoleModel model = RealmRoles.find(realm, ref);
        if (model == null) {
            missing.add(ref);
        } else if (description != null && !Objects.equals(description, model.getDescription())) {
            descriptions.add(new DriftReport.DescriptionDrift(ref, description, model.getDescription()));
        }
        return model;
    }

    /** Realm roles, and roles of the catalogue's clients, that the catalogue does not define. */
    private List<RoleRef> unmanagedRoles(RealmModel realm, Set<RoleRef> managed) {
        String defaultRoleName = realm.getDefaultRole().getName();
        List<RoleRef> unmanaged = new ArrayList<>();
        realm.getRolesStream()
                .map(RealmRoles::refOf)
                .filter(ref -> !managed.contains(ref))
                .filter(ref -> !ref.name().equals(defaultRoleName))
                .filter(ref -> !ref.name().equals("offline_access") && !ref.name().equals("uma_authorization"))
                .forEach(unmanaged::add);
        catalogue.clients().keySet().forEach(clientId -> {
            ClientModel client = realm.getClientByClientId(clientId);
            if (client != null) {
                client.getRolesStream().map(RealmRoles::refOf).filter(ref -> !managed.contains(ref)).forEach(unmanaged::add);
            }
        });
        unmanaged.sort(RoleRefOrder.INSTANCE);
        return unmanaged;
    }
}
