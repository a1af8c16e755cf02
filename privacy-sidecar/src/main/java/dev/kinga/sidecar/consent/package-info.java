/**
 * The consent ledger: {@link dev.kinga.sidecar.consent.ConsentLedger} (versioned purposes, append-only
 * grants and withdrawals), {@link dev.kinga.sidecar.consent.ConsentResource} and
 * {@link dev.kinga.sidecar.consent.MyConsentResource}.
 */
package dev.kinga.sidecar.consent;
