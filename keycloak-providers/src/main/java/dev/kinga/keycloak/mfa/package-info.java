/**
 * Kinga MFA's rules, below its factors and its flow: {@link dev.kinga.keycloak.mfa.MfaPolicy} (who must
 * use MFA), {@link dev.kinga.keycloak.mfa.Factors} (what a user has), {@link dev.kinga.keycloak.mfa.FactorRemoval}
 * (when a factor may go) and {@link dev.kinga.keycloak.mfa.MfaKeys} (the sealing keys, from their
 * {@link dev.kinga.keycloak.mfa.MfaKeys.Source}). The layers: {@code model}, this package, the factors
 * ({@code totp}, {@code backup}, {@code trust}), then {@code flow} and {@code binding}.
 */
package dev.kinga.keycloak.mfa;
