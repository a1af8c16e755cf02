package dev.kinga.keycloak.roles;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.ext.AdminRealmResourceProvider;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

/** Hands Keycloak's already-authenticated admin context to {@link RoleCatalogueResource}. */
public class RoleCatalogueResourceProvider implements AdminRealmResourceProvider {

    private final RoleCatalogue catalogue;

    RoleCatalogueResourceProvider(RoleCatalogue catalogue) {
        this.catalogue = catalogue;
    }

    @Override
    public Object getResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth,
                              AdminEventBuilder adminEvent) {
        return new RoleCatalogueResource(session, realm, auth, adminEvent, catalogue);
    }

    @Override
    public void close() {
        // nothing held
    }
}
