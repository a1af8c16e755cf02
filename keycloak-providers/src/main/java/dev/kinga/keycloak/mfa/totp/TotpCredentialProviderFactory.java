package dev.kinga.keycloak.mfa.totp;

import dev.kinga.keycloak.mfa.MfaKeys;
import dev.kinga.keycloak.mfa.model.MfaIds;

import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.credential.CredentialProvider;
import org.keycloak.credential.CredentialProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.provider.ProviderConfigProperty;

import java.util.List;

/**
 * {@code kinga-totp}: the TOTP credential type. Its SPI options are the MFA sealing keys
 * ({@link MfaKeys}), which it holds for every MFA piece as their {@link MfaKeys.Source}.
 */
public class TotpCredentialProviderFactory implements CredentialProviderFactory<TotpCredentialProvider>, MfaKeys.Source {

    public static final String PROVIDER_ID = MfaIds.TOTP;
    private static final Logger LOG = Logger.getLogger(TotpCredentialProviderFactory.class);
    private MfaKeys keys;

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public void init(Config.Scope scope) {
        keys = MfaKeys.from(scope);
        LOG.info("Kinga MFA: TOTP secrets are sealed with AES-256-GCM");
    }

    @Override
    public TotpCredentialProvider create(KeycloakSession session) {
        return new TotpCredentialProvider(session, keys);
    }

    @Override
    public MfaKeys mfaKeys() {
        return keys;
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return MfaKeys.metadata();
    }

    public static TotpCredentialProvider of(KeycloakSession session) {
        return (TotpCredentialProvider) session.getProvider(CredentialProvider.class, PROVIDER_ID);
    }
}
