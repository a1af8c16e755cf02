package dev.kinga.sidecar.security;

/**
 * The {@code kinga-api} permissions ({@code resource_access.kinga-api.roles}) that the endpoints
 * require, as {@code realm-config/roles.yaml} defines them. The service never checks role names:
 * whoever holds a permission, through a seeded role or one an admin made, may do what it names.
 */
public final class Permissions {

    public static final String PII_DETECT = "pii:detect";
    public static final String PII_ANONYMIZE = "pii:anonymize";
    public static final String PII_TOKENIZE_DETERMINISTIC = "pii:tokenize-deterministic";
    public static final String PII_DETOKENIZE = "pii:detokenize";
    public static final String AUDIT_READ = "audit:read";
    /** See Keycloak's security alerts. */
    public static final String SECURITY_ALERTS_READ = "security-alerts:read";
    /** Acknowledge and resolve security alerts. */
    public static final String SECURITY_ALERTS_MANAGE = "security-alerts:manage";
    /** Record and manage personal-data breaches, and send the notices. */
    public static final String BREACH_MANAGE = "breach:manage";
    /** Read the breach register and export it. */
    public static final String BREACH_READ = "breach:read";
    public static final String DSR_MANAGE = "dsr:manage";
    public static final String CONSENT_MANAGE = "consent:manage";
    /** Register the applications that hold personal data (connectors for export and erasure). */
    public static final String CONNECTORS_MANAGE = "connectors:manage";
    /** People acting on their own data, with their own token ({@code /api/v1/me/...}). */
    public static final String OWN_DATA_READ = "own-data:read";
    public static final String OWN_DATA_WRITE = "own-data:write";
    public static final String OWN_DATA_DELETE = "own-data:delete";

    private Permissions() {
    }
}
