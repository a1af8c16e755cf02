package dev.kinga.keycloak.mfa.model;

import java.util.Set;

/**
 * The names Kinga MFA is known by in a realm's data: its credential types (which are also the
 * credential providers' ids), and the authenticators that run it in a flow. Everything that
 * recognises a Kinga factor or a Kinga MFA step reads them here, below the providers that own
 * the behaviour.
 */
public final class MfaIds {

    /** Credential type and provider id of a sealed TOTP secret. */
    public static final String TOTP = "kinga-totp";
    /** Credential type and provider id of a set of one-time backup codes. */
    public static final String BACKUP_CODES = "kinga-backup-codes";
    /** Credential type and provider id of a trusted browser. */
    public static final String TRUSTED_DEVICE = "kinga-trusted-device";
    /** The browser-flow authenticator (its configuration is the realm's MFA policy). */
    public static final String AUTHENTICATOR = "kinga-mfa";
    /** The direct-grant authenticator. */
    public static final String DIRECT_GRANT_AUTHENTICATOR = "kinga-mfa-direct-grant";
    /** Every authenticator that is a Kinga MFA step. */
    public static final Set<String> AUTHENTICATORS = Set.of(AUTHENTICATOR, DIRECT_GRANT_AUTHENTICATOR);

    private MfaIds() {
    }
}
