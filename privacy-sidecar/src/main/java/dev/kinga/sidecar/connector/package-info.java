/**
 * {@link dev.kinga.sidecar.connector.KeycloakPrivacy}: the sidecar's one way into Keycloak (realm
 * {@code kinga}'s {@code kinga-privacy} endpoint, signed in as client {@code kinga-sidecar} with its own key).
 */
package dev.kinga.sidecar.connector;
