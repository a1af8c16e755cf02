/**
 * One-time backup codes, stored as keyed hashes: {@link dev.kinga.keycloak.mfa.backup.BackupCodeCredentialProviderFactory}
 * ({@code kinga-backup-codes}) and {@link dev.kinga.keycloak.mfa.backup.BackupCodesAction}.
 */
package dev.kinga.keycloak.mfa.backup;
