/**
 * MFA's floor, which other capabilities may read: {@link dev.kinga.keycloak.mfa.model.MfaIds} (credential
 * types and authenticator ids), {@link dev.kinga.keycloak.mfa.model.MfaSession} (what a passed MFA leaves
 * in the user session) and the stored credential data.
 */
package dev.kinga.keycloak.mfa.model;
