package dev.kinga.keycloak.mfa.totp;

import dev.kinga.keycloak.mfa.MfaKeys;
import dev.kinga.keycloak.mfa.flow.MfaAuthenticatorFactory;
import dev.kinga.keycloak.mfa.flow.MfaDirectGrantAuthenticatorFactory;

import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.credential.CredentialProvider;
import org.keycloak.credential.CredentialProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.models.utils.PostMigrationEvent;
import org.keycloak.provider.ProviderEvent;
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

    /** With keys from the vault: read and parse every MFA realm's keys at start-up, so a missing or bad secret is seen then. */
    @Override
    public void postInit(KeycloakSessionFactory factory) {
        if (!keys.fromVault()) {
            return;
        }
        factory.register((ProviderEvent event) -> {
            if (event instanceof PostMigrationEvent) {
                KeycloakModelUtils.runJobInTransaction(factory, session -> session.realms().getRealmsStream()
                        .filter(TotpCredentialProviderFactory::usesKingaMfa)
                        .forEach(realm -> {
                            try {
                                keys.sealer(session, realm);
                            } catch (RuntimeException e) {
                                LOG.errorf("Kinga MFA: realm %s uses Kinga MFA but its sealing keys cannot be read from the vault: %s. "
                                        + "Its users' second factors will be refused as 'invalid code' until the vault secret is fixed.",
                                        realm.getName(), e.getMessage());
                            }
                        }));
            }
        });
    }

    private static boolean usesKingaMfa(RealmModel realm) {
        return realm.getAuthenticationFlowsStream().anyMatch(flow -> realm.getAuthenticationExecutionsStream(flow.getId())
                .anyMatch(e -> MfaAuthenticatorFactory.PROVIDER_ID.equals(e.getAuthenticator())
                        || MfaDirectGrantAuthenticatorFactory.PROVIDER_ID.equals(e.getAuthenticator())));
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

    public static TotpCredentialProvider of(KeycloakSession session) {
        return (TotpCredentialProvider) session.getProvider(CredentialProvider.class, PROVIDER_ID);
    }

    public static MfaKeys keys(KeycloakSession session) {
        return ((TotpCredentialProviderFactory) session.getKeycloakSessionFactory()
                .getProviderFactory(CredentialProvider.class, PROVIDER_ID)).keys();
    }
}
