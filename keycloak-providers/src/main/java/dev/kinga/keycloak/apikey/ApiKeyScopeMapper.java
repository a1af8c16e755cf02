package dev.kinga.keycloak.apikey;

import org.keycloak.models.ClientModel;
import org.keycloak.models.ClientSessionContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ProtocolMapperModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.protocol.oidc.OIDCLoginProtocol;
import org.keycloak.protocol.oidc.mappers.AbstractOIDCProtocolMapper;
import org.keycloak.protocol.oidc.mappers.OIDCAccessTokenMapper;
import org.keycloak.protocol.oidc.mappers.TokenIntrospectionTokenMapper;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.representations.AccessToken;
import org.keycloak.utils.RoleResolveUtil;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Limits the roles of a token issued to an API key to the key's scopes, and names the key in
 * the {@value #CLAIM} claim. It runs before every role mapper and trims the roles Keycloak
 * resolved for the request, so realm_access, resource_access and the audience all follow.
 * Fails closed: on a client that uses it, a token issued without an API key carries no roles.
 * Added to a client when its first key is created; the authenticator refuses clients without it.
 */
public class ApiKeyScopeMapper extends AbstractOIDCProtocolMapper implements OIDCAccessTokenMapper, TokenIntrospectionTokenMapper {

    public static final String PROVIDER_ID = "kinga-api-key-scope";
    public static final String CLAIM = "kinga_api_key";
    /** Before Keycloak's role mappers (10 to 50). */
    static final int PRIORITY = -100;

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getDisplayCategory() {
        return TOKEN_MAPPER_CATEGORY;
    }

    @Override
    public String getDisplayType() {
        return "Kinga API key scope";
    }

    @Override
    public String getHelpText() {
        return "Limits the roles of tokens issued to a Kinga API key to the key's scopes and adds the key's prefix "
                + "as the kinga_api_key claim. Required on clients that authenticate with Kinga API keys.";
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return List.of();
    }

    @Override
    public int getPriority() {
        return PRIORITY;
    }

    static boolean isOn(ClientModel client) {
        return client.getProtocolMappersStream().anyMatch(m -> PROVIDER_ID.equals(m.getProtocolMapper()));
    }

    /** Adds the mapper to the client unless it is there. */
    static void ensureOn(ClientModel client) {
        if (isOn(client)) {
            return;
        }
        ProtocolMapperModel model = new ProtocolMapperModel();
        model.setName("kinga api key scope");
        model.setProtocol(OIDCLoginProtocol.LOGIN_PROTOCOL);
        model.setProtocolMapper(PROVIDER_ID);
        model.setConfig(Map.of("access.token.claim", "true", "introspection.token.claim", "true"));
        client.addProtocolMapper(model);
    }

    @Override
    public AccessToken transformAccessToken(AccessToken token, ProtocolMapperModel mappingModel, KeycloakSession session,
                                            UserSessionModel userSession, ClientSessionContext clientSessionCtx) {
        return limit(token, session, clientSessionCtx);
    }

    @Override
    public AccessToken transformIntrospectionToken(AccessToken token, ProtocolMapperModel mappingModel, KeycloakSession session,
                                                   UserSessionModel userSession, ClientSessionContext clientSessionCtx) {
        return limit(token, session, clientSessionCtx);
    }

    private static AccessToken limit(AccessToken token, KeycloakSession session, ClientSessionContext clientSessionCtx) {
        KnownKey key = session.getAttribute(ApiKeyClientAuthenticator.SESSION_ATTRIBUTE, KnownKey.class);
        Set<String> allowed = key == null ? Set.of() : key.scopes();
        AccessToken.Access realmAccess = RoleResolveUtil.getResolvedRealmRoles(session, clientSessionCtx, false);
        if (realmAccess != null && realmAccess.getRoles() != null) {
            realmAccess.getRoles().removeIf(role -> !allowed.contains(role));
        }
        Map<String, AccessToken.Access> clients = RoleResolveUtil.getAllResolvedClientRoles(session, clientSessionCtx);
        if (clients != null) {
            Iterator<Map.Entry<String, AccessToken.Access>> it = clients.entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<String, AccessToken.Access> entry = it.next();
                Set<String> roles = entry.getValue().getRoles();
                if (roles != null) {
                    roles.removeIf(role -> !allowed.contains(ApiKeyScopes.clientRole(entry.getKey(), role)));
                }
                if (roles == null || roles.isEmpty()) {
                    it.remove();
                }
            }
        }
        if (key != null) {
            token.getOtherClaims().put(CLAIM, key.prefix());
        }
        return token;
    }
}
