package dev.kinga.sidecar.selfservice;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.config.inject.ConfigProperty;

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

    @ConfigProperty(name = "kinga.self-service.keycloak-url")
    String keycloakUrl;

    @ConfigProperty(name = "kinga.keycloak.realm")
    String realm;

    @ConfigProperty(name = "kinga.self-service.client-id", defaultValue = "kinga-my-data")
    String clientId;

    @ConfigProperty(name = "kinga.dsr.erasure-grace-days", defaultValue = "21")
    int graceDays;

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
        config.put("keycloakUrl", keycloakUrl.replaceAll("/+$", ""));
        config.put("realm", realm);
        config.put("clientId", clientId);
        config.put("erasureGraceDays", graceDays);
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
