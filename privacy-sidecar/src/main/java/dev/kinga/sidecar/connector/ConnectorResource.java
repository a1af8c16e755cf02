package dev.kinga.sidecar.connector;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.kinga.sidecar.security.BadRequestException;
import dev.kinga.sidecar.security.Permissions;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code /api/v1/connectors}: the applications every export and erasure calls (permission
 * {@code connectors:manage}). Lists the configured ones and those registered here; registers,
 * changes and removes the latter. A secret is answered once, when the sidecar made it; never again.
 */
@Path("/api/v1/connectors")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Permissions.CONNECTORS_MANAGE)
public class ConnectorResource {

    private static final CacheControl NO_STORE = CacheControl.valueOf("no-store");

    @Inject
    ConnectorRegistry registry;

    @Inject
    ConfiguredConnectors configured;

    @Inject
    JsonWebToken jwt;

    /** @param secret optional: the sidecar makes one for a new connector without it */
    public record Registration(String url, String secret) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record View(String name, String url, String source, Instant createdAt, Instant updatedAt, String secret) {
        static View of(RegisteredConnector c, String secret) {
            return new View(c.name, c.url, Connector.API, c.createdAt, c.updatedAt, secret);
        }
    }

    @GET
    public List<View> list() {
        List<View> all = new ArrayList<>();
        configured.configured().values().forEach(c -> all.add(new View(c.name(), c.url(), c.source(), null, null, null)));
        registry.list().forEach(c -> all.add(View.of(c, null)));
        return all;
    }

    @GET
    @Path("{name}")
    public View get(@PathParam("name") String name) {
        Connector fromConfiguration = configured.configured().get(name);
        if (fromConfiguration != null) {
            return new View(fromConfiguration.name(), fromConfiguration.url(), fromConfiguration.source(), null, null, null);
        }
        return View.of(registry.find(name), null);
    }

    @PUT
    @Path("{name}")
    public Response put(@PathParam("name") String name, Registration body) {
        if (body == null || body.url() == null || body.url().isBlank()) {
            throw new BadRequestException("a JSON body with url is required: {\"url\": \"https://app.example/kinga\", \"secret\"?: \"...\"}");
        }
        ConnectorRegistry.Registration done = registry.put(name, body.url().strip(), body.secret(), jwt);
        return Response.status(done.created() ? 201 : 200).entity(View.of(done.connector(), done.generatedSecret()))
                .cacheControl(NO_STORE).build();
    }

    @DELETE
    @Path("{name}")
    public Response remove(@PathParam("name") String name) {
        registry.remove(name, jwt);
        return Response.noContent().build();
    }
}
