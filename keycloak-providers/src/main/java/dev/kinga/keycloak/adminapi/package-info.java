/**
 * {@link dev.kinga.keycloak.adminapi.AdminResourceFactory}: the one base of Kinga's admin REST extensions
 * (API keys, the audit trail, the privacy endpoint).
 */
package dev.kinga.keycloak.adminapi;
