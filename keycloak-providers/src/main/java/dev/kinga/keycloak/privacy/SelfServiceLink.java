package dev.kinga.keycloak.privacy;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.util.ResolveRelative;

import java.net.URI;
import java.util.Map;

/**
 * {@code GET /realms/{realm}/kinga-privacy/my-data}: a redirect to the self-service page, the home
 * URL (root URL + base URL) of the page's client, so themes can link to it without knowing where
 * the sidecar runs; admins move the page by changing the client's Home URL in the admin console.
 * {@code ?signin} asks the page to sign in at once (from the account console, where the person
 * already is).
 */
public class SelfServiceLink {

    private final KeycloakSession session;
    private final RealmModel realm;
    private final String pageClient;

    SelfServiceLink(KeycloakSession session, String pageClient) {
        this.session = session;
        this.realm = session.getContext().getRealm();
        this.pageClient = pageClient;
    }

    @GET
    @Path("my-data")
    public Response myData(@QueryParam("signin") String signin) {
        ClientModel client = realm.getClientByClientId(pageClient);
        String home = client == null || !client.isEnabled() ? null
                : ResolveRelative.resolveRelativeUri(session, client.getRootUrl(), client.getBaseUrl());
        if (home == null || home.isBlank() || !(home.startsWith("https://") || home.startsWith("http://"))) {
            return Response.status(404).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(Map.of("error", "not_found", "error_description",
                            "No self-service page is set up for this realm (client " + pageClient + " with a Home URL)"))
                    .build();
        }
        String target = signin == null ? home : home + (home.contains("?") ? "&" : "?") + "signin=1";
        return Response.seeOther(URI.create(target)).header("Cache-Control", "no-store").build();
    }
}
