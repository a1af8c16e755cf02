/**
 * API keys for service clients: {@link dev.kinga.keycloak.apikey.ApiKeyClientAuthenticatorFactory}
 * ({@code kinga-api-key}, which holds the node's {@code ApiKeys}), the admin API
 * ({@link dev.kinga.keycloak.apikey.ApiKeyAdminResourceProviderFactory}), the gateway
 * ({@link dev.kinga.keycloak.apikey.ApiKeyGatewayResourceProviderFactory}) and the scope mapper.
 */
package dev.kinga.keycloak.apikey;
