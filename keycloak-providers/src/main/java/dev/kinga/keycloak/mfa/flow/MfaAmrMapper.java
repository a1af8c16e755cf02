package dev.kinga.keycloak.mfa.flow;

import dev.kinga.keycloak.mfa.model.MfaSession;
import org.keycloak.models.ClientSessionContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ProtocolMapperModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.protocol.oidc.mappers.AbstractOIDCProtocolMapper;
import org.keycloak.protocol.oidc.mappers.OIDCAccessTokenMapper;
import org.keycloak.protocol.oidc.mappers.OIDCAttributeMapperHelper;
import org.keycloak.protocol.oidc.mappers.OIDCIDTokenMapper;
import org.keycloak.protocol.oidc.mappers.TokenIntrospectionTokenMapper;
import org.keycloak.protocol.oidc.mappers.UserInfoTokenMapper;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.representations.IDToken;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Tells resource servers that the sign-in behind a token passed Kinga MFA: {@code amr} gets
 * {@code mfa} and {@code otp} (RFC 8176) when a TOTP or backup code was checked in the
 * authentication the token's {@code auth_time} stands for. A trusted-device skip, or a user with
 * no factor, adds nothing. Services that need fresh MFA (the privacy sidecar's detokenization)
 * check {@code amr} together with {@code auth_time}; a client steps up by asking for
 * {@code acr_values=kinga-mfa} (no trusted-device skip) and {@code max_age}.
 */
public class MfaAmrMapper extends AbstractOIDCProtocolMapper
        implements OIDCAccessTokenMapper, OIDCIDTokenMapper, UserInfoTokenMapper, TokenIntrospectionTokenMapper {

    public static final String PROVIDER_ID = "kinga-mfa-amr";
    private static final List<ProviderConfigProperty> CONFIG = new ArrayList<>();

    static {
        OIDCAttributeMapperHelper.addIncludeInTokensConfig(CONFIG, MfaAmrMapper.class);
    }

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
        return "Kinga MFA (amr)";
    }

    @Override
    public String getHelpText() {
        return "Adds 'mfa' and 'otp' to the amr claim when the sign-in passed Kinga MFA with a code "
                + "(not when a trusted device skipped it). Services that need recent MFA check amr with auth_time.";
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return CONFIG;
    }

    @Override
    protected void setClaim(IDToken token, ProtocolMapperModel mappingModel, UserSessionModel userSession,
                            KeycloakSession keycloakSession, ClientSessionContext clientSessionCtx) {
        if (!MfaSession.passedInThisAuthentication(userSession)) {
            return;
        }
        List<String> amr = new ArrayList<>();
        if (token.getOtherClaims().get("amr") instanceof Collection<?> existing) {
            existing.forEach(v -> amr.add(String.valueOf(v)));
        }
        for (String method : List.of("mfa", "otp")) {
            if (!amr.contains(method)) {
                amr.add(method);
            }
        }
        token.getOtherClaims().put("amr", amr);
    }
}
