package dev.kinga.keycloak.mfa.trust;

import dev.kinga.keycloak.mfa.model.MfaIds;

import org.keycloak.credential.CredentialProviderFactory;
import org.keycloak.models.KeycloakSession;

/** {@code kinga-trusted-device}: the trusted-browser credential type. */
public class TrustedDeviceCredentialProviderFactory implements CredentialProviderFactory<TrustedDeviceCredentialProvider> {

    @Override
    public String getId() {
        return MfaIds.TRUSTED_DEVICE;
    }

    @Override
    public TrustedDeviceCredentialProvider create(KeycloakSession session) {
        return new TrustedDeviceCredentialProvider(session);
    }
}
