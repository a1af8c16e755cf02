package dev.kinga.keycloak.apikey;

import dev.kinga.keycloak.adminapi.AdminResourceFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

/** Serves {@link ApiKeyAdminResource} at {@code /admin/realms/{realm}/kinga-api-keys}. */
public class ApiKeyAdminResourceProviderFactory extends AdminResourceFactory {

    public static final String PROVIDER_ID = "kinga-api-keys";
    private ApiKeys keys;

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public Object getResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth,
                              AdminEventBuilder adminEvent) {
        return new ApiKeyAdminResource(session, realm, auth, adminEvent, keys);
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        keys = ApiKeys.of(factory);
    }
}
