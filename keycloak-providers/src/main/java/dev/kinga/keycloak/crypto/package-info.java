/**
 * Keyed primitives shared by MFA and API keys: {@link dev.kinga.keycloak.crypto.SecretSealer} (AES-256-GCM with key
 * ids) and {@link dev.kinga.keycloak.crypto.Hmac}.
 */
package dev.kinga.keycloak.crypto;
