package dev.kinga.keycloak.mfa.backup;

import dev.kinga.keycloak.mfa.MfaKeys;
import dev.kinga.keycloak.mfa.model.MfaIds;

import org.keycloak.credential.CredentialProvider;
import org.keycloak.credential.CredentialProviderFactory;
import org.keycloak.models.KeycloakSession;

/** {@code kinga-backup-codes}: the backup code credential type (keys from {@code kinga-totp}). */
public class BackupCodeCredentialProviderFactory implements CredentialProviderFactory<BackupCodeCredentialProvider> {

    public static final String PROVIDER_ID = MfaIds.BACKUP_CODES;

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public BackupCodeCredentialProvider create(KeycloakSession session) {
        return new BackupCodeCredentialProvider(session, MfaKeys.of(session));
    }

    public static BackupCodeCredentialProvider of(KeycloakSession session) {
        return (BackupCodeCredentialProvider) session.getProvider(CredentialProvider.class, PROVIDER_ID);
    }
}
