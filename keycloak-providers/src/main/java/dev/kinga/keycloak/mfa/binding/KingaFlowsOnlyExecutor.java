package dev.kinga.keycloak.mfa.binding;

import dev.kinga.keycloak.mfa.model.MfaIds;
import org.keycloak.OAuthErrorException;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.AuthenticationFlowModel;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.representations.idm.ClientPolicyExecutorConfigurationRepresentation;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.services.clientpolicy.ClientPolicyContext;
import org.keycloak.services.clientpolicy.ClientPolicyException;
import org.keycloak.services.clientpolicy.context.ClientCRUDContext;
import org.keycloak.services.clientpolicy.executor.ClientPolicyExecutorProvider;

import java.util.Map;

/**
 * A client may be bound only to login flows that run Kinga MFA. A realm admin who can manage
 * clients could otherwise point a client's {@code authenticationFlowBindingOverrides} at one of
 * Keycloak's built-in flows ({@code direct grant}, {@code browser}) and get password-only tokens
 * for people whose roles require MFA. Checked when a client is created or changed (admin REST,
 * dynamic registration) and again at every authorization, token and password-grant request, so a
 * binding made some other way (an import, the database) is refused where it would be used.
 */
final class KingaFlowsOnlyExecutor implements ClientPolicyExecutorProvider<ClientPolicyExecutorConfigurationRepresentation> {

    private final KeycloakSession session;

    KingaFlowsOnlyExecutor(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public String getProviderId() {
        return KingaFlowsOnlyExecutorFactory.PROVIDER_ID;
    }

    @Override
    public void executeOnEvent(ClientPolicyContext context) throws ClientPolicyException {
        RealmModel realm = session.getContext().getRealm();
        switch (context.getEvent()) {
            case REGISTER, UPDATE -> {
                ClientRepresentation proposed = ((ClientCRUDContext) context).getProposedClientRepresentation();
                if (proposed != null && proposed.getAuthenticationFlowBindingOverrides() != null) {
                    requireKingaMfa(realm, proposed.getAuthenticationFlowBindingOverrides(), OAuthErrorException.INVALID_CLIENT_METADATA);
                }
            }
            case AUTHORIZATION_REQUEST, TOKEN_REQUEST, RESOURCE_OWNER_PASSWORD_CREDENTIALS_REQUEST, DEVICE_AUTHORIZATION_REQUEST,
                 BACKCHANNEL_AUTHENTICATION_REQUEST, PUSHED_AUTHORIZATION_REQUEST, SAML_AUTHN_REQUEST -> {
                ClientModel client = session.getContext().getClient();
                if (client != null && !client.getAuthenticationFlowBindingOverrides().isEmpty()) {
                    requireKingaMfa(realm, client.getAuthenticationFlowBindingOverrides(), OAuthErrorException.INVALID_CLIENT);
                }
            }
            default -> {
                // nothing else binds a flow
            }
        }
    }

    private static void requireKingaMfa(RealmModel realm, Map<String, String> overrides, String error) throws ClientPolicyException {
        for (Map.Entry<String, String> binding : overrides.entrySet()) {
            if (binding.getValue() == null || binding.getValue().isBlank()) {
                continue; // no override: the realm's own flow, which the realm's admin chose
            }
            AuthenticationFlowModel flow = realm.getAuthenticationFlowById(binding.getValue());
            if (flow == null || !runsKingaMfa(realm, flow)) {
                throw new ClientPolicyException(error, "The client's " + binding.getKey()
                        + " flow must run Kinga MFA (a flow with the kinga-mfa or kinga-mfa-direct-grant authenticator); the realm's own flows do");
            }
        }
    }

    private static boolean runsKingaMfa(RealmModel realm, AuthenticationFlowModel flow) {
        return runsKingaMfa(realm, flow.getId(), 0);
    }

    /** A Kinga MFA step that is not disabled, in a subflow that is not disabled either (as deep as flows go). */
    private static boolean runsKingaMfa(RealmModel realm, String flowId, int depth) {
        return depth < 16 && realm.getAuthenticationExecutionsStream(flowId)
                .filter(e -> e.getRequirement() != AuthenticationExecutionModel.Requirement.DISABLED)
                .anyMatch(e -> e.isAuthenticatorFlow() ? runsKingaMfa(realm, e.getFlowId(), depth + 1) : MfaIds.AUTHENTICATORS.contains(e.getAuthenticator()));
    }

    @Override
    public void close() {
        // stateless
    }
}
