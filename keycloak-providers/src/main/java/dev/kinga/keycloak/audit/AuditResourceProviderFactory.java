package dev.kinga.keycloak.audit;

import dev.kinga.keycloak.adminapi.AdminResourceFactory;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

/** Serves {@link AuditResource} at {@code /admin/realms/{realm}/kinga-audit}, with the listener's configuration. */
public class AuditResourceProviderFactory extends AdminResourceFactory {

    public static final String PROVIDER_ID = "kinga-audit";
    private AuditConfig config;

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public Object getResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth,
                              AdminEventBuilder adminEvent) {
        return new AuditResource(session, realm, auth, config);
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        config = AuditConfig.of(factory);
    }
}
