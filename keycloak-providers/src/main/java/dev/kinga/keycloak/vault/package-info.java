/**
 * {@link dev.kinga.keycloak.vault.RealmVault}: a named secret of a realm from Keycloak's vault.
 */
package dev.kinga.keycloak.vault;
