package dev.kinga.keycloak.roles;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

import java.util.List;
import java.util.Map;

/**
 * {@code /admin/realms/{realm}/kinga-roles}: the drift report and on-demand seeding.
 * Keycloak has authenticated the admin before this runs; each method checks the permission it needs first.
 */
@Produces(MediaType.APPLICATION_JSON)
public class RoleCatalogueResource {

    private final KeycloakSession session;
    private final RealmModel realm;
    private final AdminPermissionEvaluator auth;
    private final AdminEventBuilder adminEvent;
    private final RoleCatalogue catalogue;

    RoleCatalogueResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth,
                          AdminEventBuilder adminEvent, RoleCatalogue catalogue) {
        this.session = session;
        this.realm = realm;
        this.auth = auth;
        this.adminEvent = adminEvent.resource(ResourceType.REALM_ROLE);
        this.catalogue = catalogue;
    }

    /** Catalogue vs realm, changing nothing. Requires {@code view-realm}. */
    @GET
    @Path("drift")
    public Response drift() {
        auth.realm().requireViewRealm();
        if (!governed()) {
            return notManaged();
        }
        return Response.ok(new DriftDetector(catalogue).detect(realm)).build();
    }

    /** Adds whatever the catalogue defines and the realm lacks, now. Requires {@code manage-realm}. */
    @POST
    @Path("seed")
    public Response seed() {
        auth.realm().requireManageRealm();
        if (!governed()) {
            return notManaged();
        }
        List<String> changes = new RoleSeeder(catalogue).seed(realm);
        DriftReport drift = new DriftDetector(catalogue).detect(realm);
        adminEvent.operation(OperationType.ACTION)
                .resourcePath(session.getContext().getUri())
                .representation(Map.of("changes", changes))
                .success();
        return Response.ok(new SeedResult(realm.getName(), changes, drift)).build();
    }

    /** What a seed run changed, and the drift that remains (what seeding never removes). */
    public record SeedResult(String realm, List<String> changes, DriftReport drift) {
    }

    private boolean governed() {
        return catalogue != null && catalogue.governs(realm.getName());
    }

    private Response notManaged() {
        String why = catalogue == null
                ? "No role catalogue is configured on this server"
                : "Realm '" + realm.getName() + "' is not named in the role catalogue";
        return Response.status(Response.Status.NOT_FOUND)
                .entity(Map.of("error", "realm_not_managed", "error_description", why))
                .type(MediaType.APPLICATION_JSON_TYPE)
                .build();
    }
}
