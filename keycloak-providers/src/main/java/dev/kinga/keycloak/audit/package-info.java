/**
 * The tamper-evident audit trail: every user and admin event becomes a record queued in the
 * event's transaction ({@link dev.kinga.keycloak.audit.AuditTrail}), linked into the realm's hash
 * chain in batches ({@link dev.kinga.keycloak.audit.AuditSequencer}), forwarded to sinks through an
 * outbox ({@link dev.kinga.keycloak.audit.AuditForwarder}), checked by
 * {@link dev.kinga.keycloak.audit.SecurityDetector}, verified, anchored and pruned. Entry points:
 * {@link dev.kinga.keycloak.audit.AuditEventListenerProviderFactory} ({@code kinga-audit}),
 * {@link dev.kinga.keycloak.audit.AuditResourceProviderFactory} ({@code /admin/realms/{realm}/kinga-audit/*});
 * for other capabilities: {@link dev.kinga.keycloak.audit.AuditConfig#of} and
 * {@link dev.kinga.keycloak.audit.AuditErasure}.
 */
package dev.kinga.keycloak.audit;
