package dev.kinga.keycloak.mfa.trust;

import dev.kinga.keycloak.mfa.model.MfaIds;
import org.keycloak.credential.CredentialModel;
import org.keycloak.credential.CredentialProvider;
import org.keycloak.credential.CredentialProviderFactory;
import org.keycloak.credential.CredentialTypeMetadata;
import org.keycloak.credential.CredentialTypeMetadataContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/** {@code kinga-trusted-device}: makes trusted devices a credential type the account console lists and removes. */
public class TrustedDeviceCredentialProvider implements CredentialProvider<CredentialModel>, CredentialProviderFactory<TrustedDeviceCredentialProvider> {

    private KeycloakSession session;

    @Override
    public String getId() {
        return MfaIds.TRUSTED_DEVICE;
    }

    @Override
    public TrustedDeviceCredentialProvider create(KeycloakSession session) {
        TrustedDeviceCredentialProvider provider = new TrustedDeviceCredentialProvider();
        provider.session = session;
        return provider;
    }

    @Override
    public void close() {
        // nothing held
    }

    @Override
    public String getType() {
        return MfaIds.TRUSTED_DEVICE;
    }

    @Override
    public CredentialModel createCredential(RealmModel realm, UserModel user, CredentialModel credentialModel) {
        throw new UnsupportedOperationException("trusted devices are created by the kinga-mfa authenticator");
    }

    @Override
    public boolean deleteCredential(RealmModel realm, UserModel user, String credentialId) {
        return user.credentialManager().removeStoredCredentialById(credentialId);
    }

    @Override
    public CredentialModel getCredentialFromModel(CredentialModel model) {
        return model;
    }

    @Override
    public CredentialTypeMetadata getCredentialTypeMetadata(CredentialTypeMetadataContext metadataContext) {
        return CredentialTypeMetadata.builder()
                .type(MfaIds.TRUSTED_DEVICE)
                .category(CredentialTypeMetadata.Category.TWO_FACTOR)
                .displayName("kinga-trusted-device-display-name")
                .helpText("kinga-trusted-device-help-text")
                .iconCssClass("kcAuthenticatorDefaultClass")
                .removeable(true)
                .build(session);
    }
}
