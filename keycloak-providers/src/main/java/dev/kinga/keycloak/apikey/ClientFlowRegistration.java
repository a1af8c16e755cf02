package dev.kinga.keycloak.apikey;

import org.jboss.logging.Logger;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.AuthenticationFlowModel;
import org.keycloak.models.RealmModel;

/**
 * Adds the API key authenticator to a realm's client authentication flow as an alternative,
 * after Keycloak's own. Client authentication runs an alternative only for clients whose client
 * authenticator it is, so other clients are unaffected. Idempotent; an admin may disable it.
 */
final class ClientFlowRegistration {

    private static final Logger LOG = Logger.getLogger(ClientFlowRegistration.class);

    private ClientFlowRegistration() {
    }

    static void register(RealmModel realm) {
        AuthenticationFlowModel flow = realm.getClientAuthenticationFlow();
        if (flow == null) {
            return;
        }
        boolean present = realm.getAuthenticationExecutionsStream(flow.getId())
                .anyMatch(e -> ApiKeyClientAuthenticatorFactory.PROVIDER_ID.equals(e.getAuthenticator()));
        if (present) {
            return;
        }
        int priority = realm.getAuthenticationExecutionsStream(flow.getId())
                .mapToInt(AuthenticationExecutionModel::getPriority).max().orElse(0) + 10;
        AuthenticationExecutionModel execution = new AuthenticationExecutionModel();
        execution.setParentFlow(flow.getId());
        execution.setAuthenticator(ApiKeyClientAuthenticatorFactory.PROVIDER_ID);
        execution.setRequirement(AuthenticationExecutionModel.Requirement.ALTERNATIVE);
        execution.setPriority(priority);
        execution.setAuthenticatorFlow(false);
        realm.addAuthenticatorExecution(execution);
        LOG.infof("Kinga API keys: added to the client authentication flow '%s' of realm %s", flow.getAlias(), realm.getName());
    }
}
