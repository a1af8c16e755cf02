package dev.kinga.sidecar.connector;

import dev.kinga.sidecar.connector.KeycloakPrivacy;
import dev.kinga.sidecar.security.ApiError;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Keycloak (or an app) failing a call a request needed: a refusal for good (an administrator's
 * account, an ambiguous name) is a {@code 409} with Keycloak's reason; anything else a {@code 503}
 * after which nothing has changed and the caller may try again.
 */
public class ConnectorErrors {

    @ServerExceptionMapper
    public Response keycloakUnavailable(KeycloakPrivacy.ConnectorException e) {
        if (e.permanent && e.error != null) {
            return ApiError.response(409, e.error, switch (e.error) {
                case "privileged_account" -> "The account holds an administrative role: remove its roles first";
                case "service_account" -> "A client's service account is not a person";
                case "self_erasure" -> "The sidecar's own account is not erased";
                case "ambiguous_subject" -> "This is one user's id and another user's username: name the person by id";
                default -> "Keycloak refused the request";
            });
        }
        return ApiError.response(503, "keycloak_unavailable", "Keycloak could not be reached or refused; nothing was changed, try again");
    }
}
