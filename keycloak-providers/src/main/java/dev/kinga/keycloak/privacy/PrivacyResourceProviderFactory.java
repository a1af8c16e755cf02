package dev.kinga.keycloak.privacy;

import dev.kinga.keycloak.audit.AuditEventListenerProviderFactory;
import org.keycloak.Config;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.ext.AdminRealmResourceProvider;
import org.keycloak.services.resources.admin.ext.AdminRealmResourceProviderFactory;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

import java.util.Set;

/** Serves {@link PrivacyResource} at {@code /admin/realms/{realm}/kinga-privacy}. */
public class PrivacyResourceProviderFactory implements AdminRealmResourceProviderFactory, AdminRealmResourceProvider {

    public static final String PROVIDER_ID = "kinga-privacy";
    private Set<String> privilegedRoles = Set.of();

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public AdminRealmResourceProvider create(KeycloakSession session) {
        return this;
    }

    @Override
    public Object getResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth,
                              AdminEventBuilder adminEvent) {
        return new PrivacyResource(session, realm, auth, adminEvent, privilegedRoles);
    }

    @Override
    public void init(Config.Scope scope) {
        // nothing to configure
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        // The roles the audit trail treats as privileged: accounts holding one are not erased here.
        privilegedRoles = Set.copyOf(((AuditEventListenerProviderFactory) factory.getProviderFactory(EventListenerProvider.class,
                AuditEventListenerProviderFactory.PROVIDER_ID)).config().privilegedRoles());
    }

    @Override
    public void close() {
        // nothing held
    }
}
