package dev.kinga.sidecar.selfservice;

import dev.kinga.sidecar.connector.KeycloakConfig;
import dev.kinga.sidecar.security.SelfServiceSettings;
import dev.kinga.sidecar.dsr.DsrConfig;
import jakarta.inject.Inject;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code /my-data/}: the page where a person sees and withdraws their consents, asks for a copy of
 * their data, and asks for (and cancels) the erasure of their account, in English or Kiswahili.
 * Static files; the person signs in through the realm's login page (authorization code with PKCE,
 * public client {@code kinga.self-service.client-id}) and the page calls {@code /api/v1/me/...}
 * with their token. Keycloak links here from its account console and login pages
 * ({@code /realms/{realm}/kinga-privacy/my-data}, which follows the client's home URL).
 */
@Path("/my-data")
@PermitAll
public class SelfServicePage {

    private static final Map<String, String> FILES = Map.of(
            "my-data.js", "text/javascript; charset=utf-8",
            "messages.js", "text/javascript; charset=utf-8",
            "my-data.css", "text/css; charset=utf-8");

    @Inject
    SelfServiceSettings settings;

    @Inject
    KeycloakConfig keycloak;

    @Inject
    DsrConfig dsr;

    /** {@code /my-data/} and {@code /my-data}: the page refers to its files by absolute path, so both work. */
    @GET
    @Produces(MediaType.TEXT_HTML)
    public Response index() {
        return file("index.html", "text/html; charset=utf-8");
    }

    /** Where to sign in; nothing secret (the client is public). */
    @GET
    @Path("config")
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> config() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("keycloakUrl", settings.keycloakUrl().replaceAll("/+$", ""));
        config.put("realm", keycloak.realm());
        config.put("clientId", settings.clientId());
        config.put("erasureGraceDays", dsr.erasureGraceDays());
        return config;
    }

    @GET
    @Path("{file}")
    public Response asset(@PathParam("file") String name) {
        String type = FILES.get(name);
        return type == null ? Response.status(404).build() : file(name, type);
    }

    private static Response file(String name, String type) {
        try (InputStream in = SelfServicePage.class.getResourceAsStream("/self-service/" + name)) {
            if (in == null) {
                return Response.status(404).build();
            }
            return Response.ok(in.readAllBytes(), type).header("Cache-Control", "no-cache").build();
        } catch (IOException e) {
            return Response.serverError().build();
        }
    }
}
