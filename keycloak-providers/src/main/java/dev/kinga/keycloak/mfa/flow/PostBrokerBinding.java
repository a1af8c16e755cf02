package dev.kinga.keycloak.mfa.flow;

import org.jboss.logging.Logger;
import org.keycloak.models.AuthenticationFlowModel;
import org.keycloak.models.IdentityProviderModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * Keycloak runs no authenticator after an identity-provider login unless the provider names a
 * post-broker-login flow, and a new provider names none. In a realm that has the flow
 * {@value #FLOW} (realm-config ships it: Kinga MFA after the broker), every identity provider
 * without a post-broker flow gets it: at start-up, when a realm is created, and whenever an admin
 * creates, updates or imports one.
 * An admin who sets another post-broker flow on purpose keeps it.
 */
final class PostBrokerBinding {

    static final String FLOW = "kinga post broker login";
    private static final Logger LOG = Logger.getLogger(PostBrokerBinding.class);

    private PostBrokerBinding() {
    }

    /** Binds the flow to every identity provider of the realm that has no post-broker flow. */
    static void bindAll(KeycloakSession session, RealmModel realm) {
        AuthenticationFlowModel flow = realm.getFlowByAlias(FLOW);
        if (flow == null) {
            return;
        }
        RealmModel previous = session.getContext().getRealm();
        session.getContext().setRealm(realm); // the identity-provider store answers for the context's realm
        try {
            session.identityProviders().getAllStream(java.util.Map.of(), null, null)
                    .filter(idp -> idp.getPostBrokerLoginFlowId() == null || idp.getPostBrokerLoginFlowId().isBlank())
                    .toList()
                    .forEach(idp -> bind(session, realm, idp, flow));
        } finally {
            session.getContext().setRealm(previous);
        }
    }

    private static void bind(KeycloakSession session, RealmModel realm, IdentityProviderModel idp, AuthenticationFlowModel flow) {
        idp.setPostBrokerLoginFlowId(flow.getId());
        session.identityProviders().update(idp);
        LOG.infof("Realm %s: identity provider %s now runs '%s' after login", realm.getName(), idp.getAlias(), FLOW);
    }
}
