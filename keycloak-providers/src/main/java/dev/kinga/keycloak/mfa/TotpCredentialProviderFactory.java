package dev.kinga.keycloak.mfa;

import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.credential.CredentialProvider;
import org.keycloak.credential.CredentialProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.provider.ProviderConfigProperty;

import java.util.List;

/** {@code kinga-totp}: the TOTP credential type, and the home of the MFA sealing keys. */
public class TotpCredentialProviderFactory implements CredentialProviderFactory<TotpCredentialProvider> {

    public static final String PROVIDER_ID = TotpCredentialProvider.TYPE;
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

    MfaKeys keys() {
        return keys;
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return MfaKeys.metadata();
    }

    static TotpCredentialProvider of(KeycloakSession session) {
        return (TotpCredentialProvider) session.getProvider(CredentialProvider.class, PROVIDER_ID);
    }

    static MfaKeys keys(KeycloakSession session) {
        return ((TotpCredentialProviderFactory) session.getKeycloakSessionFactory()
                .getProviderFactory(CredentialProvider.class, PROVIDER_ID)).keys();
    }
}
