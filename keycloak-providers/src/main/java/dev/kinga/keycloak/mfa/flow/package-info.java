/**
 * Kinga MFA in a realm's flows: {@link dev.kinga.keycloak.mfa.flow.MfaAuthenticatorFactory} ({@code kinga-mfa},
 * the browser step; it also keeps each realm's wiring in place at start),
 * {@link dev.kinga.keycloak.mfa.flow.MfaDirectGrantAuthenticatorFactory}, {@link dev.kinga.keycloak.mfa.flow.MfaAmrMapper}
 * ({@code amr}) and {@link dev.kinga.keycloak.mfa.flow.MfaEventListenerFactory}.
 */
package dev.kinga.keycloak.mfa.flow;
