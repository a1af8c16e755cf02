/**
 * The token vault: {@link dev.kinga.sidecar.vault.TokenVault} (envelope encryption, random or deterministic
 * tokens), {@link dev.kinga.sidecar.vault.Detokenizer} (values and their trail record in one transaction)
 * and the background re-wrap.
 */
package dev.kinga.sidecar.vault;
