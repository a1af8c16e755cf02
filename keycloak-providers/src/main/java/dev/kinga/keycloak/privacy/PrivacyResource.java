package dev.kinga.keycloak.privacy;

import dev.kinga.keycloak.mfa.model.MfaSession;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.services.managers.AuthenticationManager;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code /admin/realms/{realm}/kinga-privacy/users/{id}}: what the privacy sidecar calls to answer
 * a data-subject request. Exporting needs {@code view-users} (for that user), everything that
 * changes the account needs {@code manage-users}; the sidecar's own account needs neither, only the
 * realm role {@code agent-role} (default {@code kinga-privacy-agent}). Each call is an admin event on the user
 * (operation {@code ACTION} for export and holds, {@code DELETE} for erasure, detail {@code action}),
 * so the audit trail records who read or erased whom.
 * <ul>
 *   <li>{@code GET .../export}: everything Keycloak and Kinga hold about the user ({@link UserExport});</li>
 *   <li>{@code POST .../hold} / {@code DELETE .../hold}: disable the account for an erasure's grace
 *       period, and give it back as it was when the erasure is cancelled ({@link ErasureHold});</li>
 *   <li>{@code POST .../erase}: erase the user, answering a receipt ({@link UserErasure}). For a
 *       user Keycloak no longer has, what is left under the id (events, audit records) is erased
 *       still ({@code userAlreadyGone}), so a retried or late erasure completes the work.</li>
 * </ul>
 * Service accounts, the caller's own account and accounts holding administrative roles are not
 * held or erased here ({@code 409}).
 * <ul>
 * </ul>
 */
@Produces(MediaType.APPLICATION_JSON)
public class PrivacyResource {

    /** Keycloak user ids: UUIDs for local users, longer ({@code f:<provider>:<id>}) for federated ones. */
    private static final Pattern USER_ID = Pattern.compile("[^/\\s]{1,255}");
    private static final CacheControl NO_STORE = CacheControl.valueOf("no-store");
    /** The privacy sidecar's client: the only service account the agent role counts for. */
    static final String AGENT_CLIENT = "kinga-sidecar";

    private final KeycloakSession session;
    private final RealmModel realm;
    private final AdminPermissionEvaluator auth;
    private final AdminEventBuilder adminEvent;
    private final Set<String> privilegedRoles;
    /** Whether the caller is the privacy sidecar's own account (one resource per request: decided once). */
    private final boolean agent;

    PrivacyResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth, AdminEventBuilder adminEvent,
                    Set<String> privilegedRoles, String agentRole) {
        this.session = session;
        this.realm = realm;
        this.auth = auth;
        this.adminEvent = adminEvent.resource(ResourceType.USER);
        this.privilegedRoles = privilegedRoles;
        this.agent = agent(auth.adminAuth().getUser(), realm.getRole(agentRole));
    }

    /**
     * The privacy sidecar's own account holds the realm role {@code agent-role} instead of
     * realm-management roles: it reaches people only through this endpoint (look-up, export, hold,
     * erase), never the rest of the admin API (no password resets, no credential removal).
     */
    private boolean agent(UserModel caller, RoleModel role) {
        if (caller == null || role == null || caller.getServiceAccountClientLink() == null) {
            return false;
        }
        // Only the sidecar's own client, and only by a direct mapping: not another service account that
        // reaches the role through a group or a composite someone added to a role it holds.
        ClientModel client = realm.getClientById(caller.getServiceAccountClientLink());
        return client != null && AGENT_CLIENT.equals(client.getClientId())
                && caller.getRealmRoleMappingsStream().anyMatch(role::equals);
    }

    /** Checked before any look-up, so no answer tells a caller without query rights whether an id exists. */
    private void requireQuery() {
        if (!agent) {
            auth.users().requireQuery();
        }
    }

    private void requireView(UserModel user) {
        if (!agent) {
            auth.users().requireView(user);
        }
    }

    private void requireManage(UserModel user) {
        if (!agent) {
            auth.users().requireManage(user);
        }
    }

    /**
     * {@code GET .../users/{id}}: who the account is and how to reach them, for the sidecar's
     * notices and its check that an account is still open: id, username, enabled, e-mail and
     * whether it is verified, first name, locale. No admin event (a read, like the admin API's).
     */
    @GET
    @Path("users/{id}")
    public Response lookUp(@PathParam("id") String id) {
        requireQuery();
        UserModel user = user(id);
        if (user == null) {
            return notFound();
        }
        requireView(user);
        return Response.ok(summary(user)).cacheControl(NO_STORE).build();
    }

    /** {@code GET .../users?username=}: the account with exactly this username (Keycloak stores them lower-cased), as a list of 0 or 1. */
    @GET
    @Path("users")
    public Response byUsername(@QueryParam("username") String username) {
        requireQuery();
        if (username == null || username.isBlank() || username.length() > 255) {
            return error(Response.Status.BAD_REQUEST, "invalid_request", "username is required (at most 255 characters)");
        }
        UserModel user = session.users().getUserByUsername(realm, username.strip().toLowerCase(java.util.Locale.ROOT));
        if (user == null || user.getServiceAccountClientLink() != null) {
            return Response.ok(java.util.List.of()).cacheControl(NO_STORE).build();
        }
        requireView(user);
        return Response.ok(java.util.List.of(summary(user))).cacheControl(NO_STORE).build();
    }

    private static Map<String, Object> summary(UserModel user) {
        Map<String, Object> summary = new java.util.LinkedHashMap<>();
        summary.put("id", user.getId());
        summary.put("username", user.getUsername());
        summary.put("enabled", user.isEnabled());
        summary.put("email", user.getEmail());
        summary.put("emailVerified", user.isEmailVerified());
        summary.put("firstName", user.getFirstName());
        summary.put("locale", user.getFirstAttribute(UserModel.LOCALE));
        return summary;
    }

    /**
     * {@code GET .../users/{id}/sessions/{sid}}: what Keycloak itself knows of one sign-in session
     * of the user, for the sidecar's check that a token's {@code amr} and {@code auth_time} are
     * true (a client's mapper can write any claim): whether the session is open, and when its
     * latest authentication passed Kinga MFA with a code ({@code mfaAt}, epoch seconds, 0 when it
     * did not). 404 for a session that is not open, has expired, is someone else's, or belongs to a
     * disabled account. No admin event (a read).
     */
    @GET
    @Path("users/{id}/sessions/{sid}")
    public Response signInSession(@PathParam("id") String id, @PathParam("sid") String sid) {
        requireQuery();
        UserModel user = user(id);
        if (user == null) {
            return notFound();
        }
        requireView(user);
        UserSessionModel signIn = sid == null || !USER_ID.matcher(sid).matches() ? null : session.sessions().getUserSession(realm, sid);
        if (signIn == null || signIn.getUser() == null || !user.getId().equals(signIn.getUser().getId())
                || signIn.getState() != UserSessionModel.State.LOGGED_IN || !user.isEnabled()
                || !AuthenticationManager.isSessionValid(realm, signIn)) {
            // A disabled (or erased-on-hold) account's sessions count as closed, as do expired ones.
            return error(Response.Status.NOT_FOUND, "session_not_found", "The user has no open session with this id");
        }
        return Response.ok(Map.of("active", true, "mfaAt", MfaSession.lastCodeCheck(signIn))).cacheControl(NO_STORE).build();
    }

    @GET
    @Path("users/{id}/export")
    public Response export(@PathParam("id") String id) {
        requireQuery();
        UserModel user = user(id);
        if (user == null) {
            return notFound();
        }
        requireView(user);
        ObjectNode export = new UserExport(session, realm).of(user);
        event(OperationType.ACTION, user, "export");
        return Response.ok(export).cacheControl(NO_STORE).build();
    }

    @GET
    @Path("users/{id}/hold")
    public Response hold(@PathParam("id") String id) {
        requireQuery();
        UserModel user = user(id);
        if (user == null) {
            return notFound();
        }
        requireView(user);
        ObjectNode hold = new ErasureHold(session, realm).of(user);
        return hold == null
                ? error(Response.Status.NOT_FOUND, "no_hold", "The account has no erasure hold")
                : Response.ok(hold).cacheControl(NO_STORE).build();
    }

    @POST
    @Path("users/{id}/hold")
    public Response placeHold(@PathParam("id") String id) {
        requireQuery();
        UserModel user = user(id);
        if (user == null) {
            return notFound();
        }
        requireManage(user);
        Response refused = refusedTarget(user);
        if (refused != null) {
            return refused;
        }
        ObjectNode hold = new ErasureHold(session, realm).place(user);
        if (hold.path("created").asBoolean()) {
            event(OperationType.ACTION, user, "erasure-hold-placed");
        }
        return Response.ok(hold).cacheControl(NO_STORE).build();
    }

    @DELETE
    @Path("users/{id}/hold")
    public Response releaseHold(@PathParam("id") String id) {
        requireQuery();
        UserModel user = user(id);
        if (user == null) {
            return notFound();
        }
        requireManage(user);
        ObjectNode released = new ErasureHold(session, realm).release(user);
        if (released == null) {
            return error(Response.Status.NOT_FOUND, "no_hold", "The account has no erasure hold");
        }
        event(OperationType.ACTION, user, "erasure-hold-released");
        return Response.ok(released).cacheControl(NO_STORE).build();
    }

    @POST
    @Path("users/{id}/erase")
    public Response erase(@PathParam("id") String id) {
        requireQuery();
        UserModel user = user(id);
        if (user == null) {
            // Gone already (erased, or deleted by an admin during the grace period): what is left under the id is erased still.
            if (!agent) {
                auth.users().requireManage();
            }
            if (id == null || !USER_ID.matcher(id).matches()) {
                return notFound();
            }
        } else {
            requireManage(user);
            Response refused = refusedTarget(user);
            if (refused != null) {
                return refused;
            }
        }
        ObjectNode receipt = new UserErasure(session, realm).erase(user == null ? id : user.getId(), user);
        adminEvent.clone(session).operation(OperationType.DELETE)
                .resourcePath("users", receipt.path("userId").asText())
                .detail("action", "kinga-privacy-erase")
                .success();
        return Response.ok(receipt).cacheControl(NO_STORE).build();
    }

    /**
     * Accounts that erasure must not reach through this endpoint, or null: a service account (a
     * client's identity, not a person), the caller themselves, and an account holding an
     * administrative role (an erasure would also strip its trail of the addresses it acted from):
     * take the roles away first, which is itself recorded and alerted on.
     */
    private Response refusedTarget(UserModel user) {
        if (user.getServiceAccountClientLink() != null) {
            return error(Response.Status.CONFLICT, "service_account", "A client's service account is not a person and is not erased here");
        }
        UserModel caller = auth.adminAuth().getUser();
        if (caller != null && caller.getId().equals(user.getId())) {
            return error(Response.Status.CONFLICT, "self_erasure", "An account cannot hold or erase itself through this endpoint");
        }
        ClientModel management = realm.getClientByClientId("realm-management");
        boolean privileged = management != null && management.getRolesStream().anyMatch(user::hasRole)
                || privilegedRoles.stream().map(realm::getRole).anyMatch(role -> role != null && user.hasRole(role));
        if (privileged) {
            return error(Response.Status.CONFLICT, "privileged_account",
                    "The account holds an administrative role: remove its roles first, then erase it");
        }
        return null;
    }

    /** The user by id, or null: usernames are resolved by the caller (a username can change, an id cannot). */
    private UserModel user(String id) {
        if (id == null || !USER_ID.matcher(id).matches()) {
            return null;
        }
        return session.users().getUserById(realm, id);
    }

    private void event(OperationType operation, UserModel user, String action) {
        adminEvent.clone(session).operation(operation)
                .resourcePath("users", user.getId(), "kinga-privacy", action)
                .detail("action", "kinga-privacy-" + action)
                .success();
    }

    private static Response notFound() {
        return error(Response.Status.NOT_FOUND, "user_not_found", "No user with this id in the realm");
    }

    private static Response error(Response.Status status, String error, String description) {
        return Response.status(status).entity(Map.of("error", error, "error_description", description))
                .type(MediaType.APPLICATION_JSON_TYPE).build();
    }
}
