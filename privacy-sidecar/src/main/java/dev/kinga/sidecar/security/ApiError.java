package dev.kinga.sidecar.security;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** The one error shape of the service: {@code {"error": "...", "error_description": "..."}}. */
public record ApiError(String error, String error_description) {

    public static Response response(Response.Status status, String error, String description) {
        return response(status.getStatusCode(), error, description);
    }

    public static Response response(int status, String error, String description) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(new ApiError(error, description)).build();
    }
}
