/**
 * Trusted browsers: {@link dev.kinga.keycloak.mfa.trust.TrustedDevices} (cookie and credential) and
 * {@link dev.kinga.keycloak.mfa.trust.TrustedDeviceCredentialProvider} ({@code kinga-trusted-device}).
 */
package dev.kinga.keycloak.mfa.trust;
