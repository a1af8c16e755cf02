package dev.kinga.keycloak.mfa.binding;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.services.clientpolicy.executor.ClientPolicyExecutorProvider;
import org.keycloak.services.clientpolicy.executor.ClientPolicyExecutorProviderFactory;

import java.util.List;

/**
 * Client-policy executor {@value #PROVIDER_ID}: clients may be bound only to flows that run Kinga
 * MFA. realm-config puts it in a profile applied to every client (condition {@code any-client}).
 */
public class KingaFlowsOnlyExecutorFactory implements ClientPolicyExecutorProviderFactory {

    public static final String PROVIDER_ID = "kinga-mfa-flows-only";

    @Override
    public ClientPolicyExecutorProvider<?> create(KeycloakSession session) {
        return new KingaFlowsOnlyExecutor(session);
    }

    @Override
    public void init(Config.Scope config) {
        // no options
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        // nothing to prepare
    }

    @Override
    public void close() {
        // stateless
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getHelpText() {
        return "Refuses binding a client to a login flow without Kinga MFA (authenticationFlowBindingOverrides), "
                + "when the client is saved and when it asks for tokens.";
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return List.of();
    }
}
