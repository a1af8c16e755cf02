/**
 * TOTP with its secret sealed at rest: {@link dev.kinga.keycloak.mfa.totp.TotpCredentialProviderFactory}
 * ({@code kinga-totp}, whose SPI options are the MFA sealing keys) and
 * {@link dev.kinga.keycloak.mfa.totp.TotpEnrolAction} ({@code kinga-totp-enrol}).
 */
package dev.kinga.keycloak.mfa.totp;
