/**
 * The sidecar's own hash-chained trail: {@link dev.kinga.sidecar.audit.AuditTrail} (also the guards'
 * {@link dev.kinga.sidecar.security.SecurityTrail}), {@link dev.kinga.sidecar.audit.AuditResource}
 * ({@code /api/v1/audit/*}) and {@link dev.kinga.sidecar.audit.TrailForwarder}.
 */
package dev.kinga.sidecar.audit;
