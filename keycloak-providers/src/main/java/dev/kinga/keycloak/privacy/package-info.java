/**
 * What the privacy sidecar asks of Keycloak about one person: {@link dev.kinga.keycloak.privacy.PrivacyResourceProviderFactory}
 * ({@code /admin/realms/{realm}/kinga-privacy/users/*}: look-up, export, hold, erasure, sign-in
 * sessions) and {@link dev.kinga.keycloak.privacy.SelfServiceLinkProviderFactory} (the link to the self-service page).
 */
package dev.kinga.keycloak.privacy;
