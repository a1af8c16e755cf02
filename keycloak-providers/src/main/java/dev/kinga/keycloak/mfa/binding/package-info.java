/**
 * The client policy executor {@code kinga-mfa-flows-only}
 * ({@link dev.kinga.keycloak.mfa.binding.KingaFlowsOnlyExecutorFactory}): no client is bound to a flow without Kinga MFA.
 */
package dev.kinga.keycloak.mfa.binding;
