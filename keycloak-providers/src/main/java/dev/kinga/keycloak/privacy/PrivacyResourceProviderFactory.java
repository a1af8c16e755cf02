package dev.kinga.keycloak.privacy;

import dev.kinga.keycloak.adminapi.AdminResourceFactory;
import dev.kinga.keycloak.audit.AuditConfig;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

import java.util.List;
import java.util.Set;

/** Serves {@link PrivacyResource} at {@code /admin/realms/{realm}/kinga-privacy}. */
public class PrivacyResourceProviderFactory extends AdminResourceFactory {

    public static final String PROVIDER_ID = "kinga-privacy";
    static final String AGENT_ROLE = "agent-role";
    static final String DEFAULT_AGENT_ROLE = "kinga-privacy-agent";
    private Set<String> privilegedRoles = Set.of();
    private String agentRole = DEFAULT_AGENT_ROLE;

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public Object getResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth,
                              AdminEventBuilder adminEvent) {
        return new PrivacyResource(session, realm, auth, adminEvent, privilegedRoles, agentRole);
    }

    @Override
    public void init(Config.Scope scope) {
        agentRole = scope.get(AGENT_ROLE, DEFAULT_AGENT_ROLE).strip();
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return ProviderConfigurationBuilder.create()
                .property().name(AGENT_ROLE).type(ProviderConfigProperty.STRING_TYPE).label("Privacy agent role")
                .helpText("Realm role of the privacy sidecar's own account: it may look people up, export, hold and erase "
                        + "them through this endpoint, and nothing else of the admin API (no realm-management role needed).")
                .defaultValue(DEFAULT_AGENT_ROLE).add()
                .build();
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        // The roles the audit trail treats as privileged: accounts holding one are not erased here.
        privilegedRoles = Set.copyOf(AuditConfig.of(factory).privilegedRoles());
    }
}
