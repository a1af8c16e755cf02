package dev.kinga.sidecar.security;

import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Tokens of the self-service page (client {@code kinga.self-service.client-id}) act on the
 * person's own data only: whatever permissions the person holds (an officer's {@code dsr:manage},
 * say), such a token gets {@code 403} outside {@code /api/v1/me/}. The page's token lives in a
 * browser; officers' work goes through the compliance CLI and its step-up sign-in.
 */
public class SelfServiceTokens {

    private final String pageClient;

    @Inject
    CurrentIdentityAssociation identities;

    public SelfServiceTokens(@ConfigProperty(name = "kinga.self-service.client-id", defaultValue = "kinga-my-data") String pageClient) {
        this.pageClient = pageClient;
    }

    @ServerRequestFilter
    public Uni<Response> ownDataOnly(ContainerRequestContext context) {
        String path = "/" + context.getUriInfo().getPath().replaceFirst("^/+", "");
        if (path.startsWith("/api/v1/me/") || !path.startsWith("/api/")) {
            return Uni.createFrom().nullItem();
        }
        return identities.getDeferredIdentity()
                .map(identity -> identity.getPrincipal() instanceof JsonWebToken jwt && fromPage(jwt)
                        ? ApiError.response(Response.Status.FORBIDDEN, "forbidden",
                                "Tokens of the self-service page act on your own data only (/api/v1/me/...)")
                        : null)
                .onFailure().recoverWithNull();
    }

    private boolean fromPage(JsonWebToken jwt) {
        Object azp = jwt.getClaim("azp");
        return azp != null && pageClient.equals(azp.toString().replace("\"", ""));
    }
}
