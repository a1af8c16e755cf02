package dev.kinga.sidecar.security;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.quarkus.oidc.OIDCException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Every error leaves the service as {@link ApiError}: no stack traces, no request content,
 * nothing personal. Unexpected failures are logged with their class only.
 */
public class ErrorMappers {

    private static final Logger LOG = Logger.getLogger(ErrorMappers.class);

    @ServerExceptionMapper
    public Response badRequest(BadRequestException e) {
        return ApiError.response(Response.Status.BAD_REQUEST, "invalid_request", e.getMessage());
    }

    @ServerExceptionMapper
    public Response refusal(Refusal e) {
        return ApiError.response(e.status, e.error, e.getMessage());
    }

    @ServerExceptionMapper({JsonParseException.class, MismatchedInputException.class, JsonProcessingException.class})
    public Response unreadableJson(JsonProcessingException e) {
        String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
                + e.getLocation().getColumnNr();
        return ApiError.response(Response.Status.BAD_REQUEST, "invalid_request", "The body is not valid JSON of the expected shape" + where);
    }

    @ServerExceptionMapper({AuthenticationFailedException.class, UnauthorizedException.class})
    public Response unauthenticated(RuntimeException e) {
        return Response.fromResponse(ApiError.response(Response.Status.UNAUTHORIZED, "unauthorized",
                "A valid bearer token from realm kinga, issued for audience kinga-sidecar, is required"))
                .header("WWW-Authenticate", "Bearer").build();
    }

    /** RFC 9470: the token is fine, its authentication is not recent or strong enough; the header says what to ask for. */
    @ServerExceptionMapper
    public Response stepUp(StepUp.StepUpRequiredException e) {
        return Response.fromResponse(ApiError.response(Response.Status.UNAUTHORIZED, "insufficient_user_authentication", e.getMessage()))
                .header("WWW-Authenticate", "Bearer error=\"insufficient_user_authentication\", error_description=\""
                        + e.getMessage().replace("\"", "'") + "\"" + (e.acr() == null ? "" : ", acr_values=\"" + e.acr() + "\"")
                        + ", max_age=" + e.maxAge())
                .build();
    }

    @ServerExceptionMapper
    public Response missingPermission(MissingPermissionException e) {
        return ApiError.response(Response.Status.FORBIDDEN, "forbidden", e.getMessage());
    }

    @ServerExceptionMapper
    public Response identityProviderDown(OIDCException e) {
        LOG.warnf("Token verification unavailable: %s", e.getClass().getSimpleName());
        return ApiError.response(Response.Status.SERVICE_UNAVAILABLE, "temporarily_unavailable",
                "Tokens cannot be verified right now (Keycloak unreachable); retry later");
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return ApiError.response(Response.Status.FORBIDDEN, "forbidden", "Your permissions (kinga-api roles) do not allow this operation");
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        String error = switch (status) {
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 406 -> "not_acceptable";
            case 413 -> "request_too_large";
            case 415 -> "unsupported_media_type";
            default -> status >= 500 ? "server_error" : "invalid_request";
        };
        String description = switch (status) {
            case 415 -> "Send application/json";
            case 404 -> "No such resource";
            case 405 -> "Method not allowed here";
            default -> Response.Status.fromStatusCode(status) == null ? "Request failed"
                    : Response.Status.fromStatusCode(status).getReasonPhrase();
        };
        return ApiError.response(status, error, description);
    }

    @ServerExceptionMapper
    public Response unexpected(Exception e) {
        LOG.errorf("Unexpected %s while handling a request", e.getClass().getName());
        return ApiError.response(Response.Status.INTERNAL_SERVER_ERROR, "server_error", "The request could not be completed");
    }
}
