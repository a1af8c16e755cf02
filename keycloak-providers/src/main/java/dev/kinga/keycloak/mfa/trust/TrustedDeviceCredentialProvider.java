package dev.kinga.keycloak.mfa.trust;

import dev.kinga.keycloak.mfa.KingaCredentialProvider;
import dev.kinga.keycloak.mfa.model.MfaIds;

import org.keycloak.credential.CredentialTypeMetadata;
import org.keycloak.credential.CredentialTypeMetadataContext;
import org.keycloak.models.KeycloakSession;

/**
 * The {@code kinga-trusted-device} credential type: a browser the person chose to trust, listed in
 * the account console so they can see and revoke it. Made only by the {@code kinga-mfa} step
 * ({@link TrustedDevices}).
 */
public class TrustedDeviceCredentialProvider extends KingaCredentialProvider {

    TrustedDeviceCredentialProvider(KeycloakSession session) {
        super(session, MfaIds.TRUSTED_DEVICE, "the kinga-mfa authenticator");
    }

    @Override
    public CredentialTypeMetadata getCredentialTypeMetadata(CredentialTypeMetadataContext metadataContext) {
        return metadata("kcAuthenticatorDefaultClass").removeable(true).build(session);
    }
}
