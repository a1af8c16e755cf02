/**
 * The systems a data-subject request reaches: {@link dev.kinga.sidecar.connector.KeycloakPrivacy}, the
 * sidecar's one way into Keycloak (realm {@code kinga}'s {@code kinga-privacy} endpoint, signed in as client
 * {@code kinga-sidecar} with its own key), and the apps' connectors: {@link dev.kinga.sidecar.connector.AppConnectors}
 * (the signed calls), {@link dev.kinga.sidecar.connector.ConnectorRegistry} (registered and configured ones) and
 * {@link dev.kinga.sidecar.connector.ConnectorResource} ({@code /api/v1/connectors}).
 */
package dev.kinga.sidecar.connector;
