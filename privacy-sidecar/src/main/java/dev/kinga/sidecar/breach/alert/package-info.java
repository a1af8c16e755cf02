/**
 * Keycloak's trail received and triaged: {@link dev.kinga.sidecar.breach.alert.AuditIntakeResource}
 * ({@code POST /api/v1/audit/events}) and {@link dev.kinga.sidecar.breach.alert.AlertResource} ({@code /api/v1/alerts/*}).
 */
package dev.kinga.sidecar.breach.alert;
