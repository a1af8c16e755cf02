package dev.kinga.keycloak.apikey;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kinga.keycloak.apikey.jpa.ApiKeyEntity;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /admin/realms/{realm}/kinga-api-keys/clients/{client}/keys}: list, create, rotate and
 * revoke the API keys of a client ({@code {client}} is the client's id or clientId). Reading
 * needs {@code view-clients}, changing {@code manage-clients}. The full key appears only in the
 * answer that creates it. Every change is an admin event (resource type {@code CUSTOM}, path
 * {@code clients/<id>/kinga-api-keys/<prefix>}, detail {@code action}: created, rotated, revoked).
 */
@Produces(MediaType.APPLICATION_JSON)
public class ApiKeyAdminResource {

    private static final int MAX_OVERLAP_HOURS = 24 * 30;

    private final KeycloakSession session;
    private final RealmModel realm;
    private final AdminPermissionEvaluator auth;
    private final AdminEventBuilder adminEvent;
    private final ApiKeys keys;
    private final ApiKeyLifecycle lifecycle;

    ApiKeyAdminResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth,
                        AdminEventBuilder adminEvent, ApiKeys keys) {
        this.session = session;
        this.realm = realm;
        this.auth = auth;
        this.adminEvent = adminEvent.resource(ResourceType.CUSTOM);
        this.keys = keys;
        this.lifecycle = new ApiKeyLifecycle(session, realm, keys);
    }

    /** The clients that authenticate with API keys (for the admin page's client picker). */
    @GET
    @Path("clients")
    public Response apiKeyClients() {
        List<Map<String, String>> clients = realm.getClientsStream()
                .filter(c -> ApiKeyClientAuthenticatorFactory.PROVIDER_ID.equals(c.getClientAuthenticatorType()))
                .filter(c -> auth.clients().canView(c)) // fine-grained: only the clients this admin may view
                .map(c -> Map.of("id", c.getId(), "clientId", c.getClientId(), "name", c.getName() == null ? "" : c.getName()))
                .sorted(java.util.Comparator.comparing(m -> m.get("clientId")))
                .toList();
        if (clients.isEmpty()) {
            auth.clients().requireList(); // someone who may see no client at all learns nothing
        }
        return Response.ok(clients).build();
    }

    /** The scopes keys of this client may carry: every role its service account holds. */
    @GET
    @Path("clients/{client}/scopes")
    public Response scopes(@PathParam("client") String clientRef) {
        ClientModel client = client(clientRef);
        if (client == null) {
            auth.clients().requireList(); // only those who may list clients learn that one does not exist
            return clientNotFound();
        }
        auth.clients().requireView(client); // realm-wide view/manage-clients, or fine-grained per client
        UserModel serviceAccount = client.isServiceAccountsEnabled() ? session.users().getServiceAccount(client) : null;
        List<String> scopes = serviceAccount == null ? List.of() : List.copyOf(ApiKeyScopes.available(serviceAccount));
        return Response.ok(Map.of("clientId", client.getClientId(), "scopes", scopes)).build();
    }

    /** Metadata of the client's keys, newest first. */
    @GET
    @Path("clients/{client}/keys")
    public Response list(@PathParam("client") String clientRef) {
        ClientModel client = client(clientRef);
        if (client == null) {
            auth.clients().requireList(); // only those who may list clients learn that one does not exist
            return clientNotFound();
        }
        auth.clients().requireView(client); // realm-wide view/manage-clients, or fine-grained per client
        List<ApiKeyView> views = lifecycle.list(client).stream().map(k -> ApiKeyView.of(k, client.getClientId())).toList();
        return Response.ok(views).build();
    }

    @GET
    @Path("clients/{client}/keys/{key}")
    public Response get(@PathParam("client") String clientRef, @PathParam("key") String keyRef) {
        ClientModel client = client(clientRef);
        if (client == null) {
            auth.clients().requireList(); // only those who may list clients learn that one does not exist
            return clientNotFound();
        }
        auth.clients().requireView(client); // realm-wide view/manage-clients, or fine-grained per client
        ApiKeyEntity key = lifecycle.find(client, keyRef);
        return key == null ? keyNotFound() : Response.ok(ApiKeyView.of(key, client.getClientId())).build();
    }

    /** Creates a key; the answer holds the full key, once. */
    @POST
    @Path("clients/{client}/keys")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(@PathParam("client") String clientRef, String body) {
        ClientModel client = client(clientRef);
        if (client == null) {
            auth.clients().requireList(); // only those who may list clients learn that one does not exist
            return clientNotFound();
        }
        auth.clients().requireManage(client); // realm-wide view/manage-clients, or fine-grained per client
        try {
            NewKeyRequest request = NewKeyRequest.parse(NewKeyRequest.readObject(body, true), keys.config().maxLifetimeDays());
            ApiKeyLifecycle.Created created = lifecycle.create(client, request, actor());
            event(OperationType.CREATE, client, created.entity(), "created");
            return createdResponse(client, created);
        } catch (InvalidKeyRequestException e) {
            return error(e);
        }
    }

    /**
     * A new key replacing this one; the old key keeps working for {@code overlapHours} (default
     * from the {@code rotation-overlap-hours} option, 0 ends it now). Optional {@code expiresInDays}
     * or {@code expiresAt} for the new key; by default it gets the old key's lifetime.
     */
    @POST
    @Path("clients/{client}/keys/{key}/rotate")
    public Response rotate(@PathParam("client") String clientRef, @PathParam("key") String keyRef, String body) {
        ClientModel client = client(clientRef);
        if (client == null) {
            auth.clients().requireList(); // only those who may list clients learn that one does not exist
            return clientNotFound();
        }
        auth.clients().requireManage(client); // realm-wide view/manage-clients, or fine-grained per client
        ApiKeyEntity old = lifecycle.find(client, keyRef);
        if (old == null) {
            return keyNotFound();
        }
        try {
            JsonNode request = NewKeyRequest.readObject(body, false);
            Integer overlapHours = NewKeyRequest.optionalInt(request, "overlapHours", 0, MAX_OVERLAP_HOURS);
            long overlap = (overlapHours == null ? keys.config().rotationOverlapHours() : overlapHours) * 3600L;
            Long expiresAt = request.has("expiresInDays") || request.has("expiresAt")
                    ? NewKeyRequest.expiresAt(request, keys.config().maxLifetimeDays()) : null;
            ApiKeyLifecycle.Created created = lifecycle.rotate(client, old, overlap, expiresAt, actor());
            event(OperationType.ACTION, client, created.entity(), "rotated");
            return createdResponse(client, created);
        } catch (InvalidKeyRequestException e) {
            return error(e);
        }
    }

    /** Revokes the key at once, on every node. */
    @POST
    @Path("clients/{client}/keys/{key}/revoke")
    public Response revoke(@PathParam("client") String clientRef, @PathParam("key") String keyRef) {
        ClientModel client = client(clientRef);
        if (client == null) {
            auth.clients().requireList(); // only those who may list clients learn that one does not exist
            return clientNotFound();
        }
        auth.clients().requireManage(client); // realm-wide view/manage-clients, or fine-grained per client
        ApiKeyEntity key = lifecycle.find(client, keyRef);
        if (key == null) {
            return keyNotFound();
        }
        boolean already = key.getRevokedAt() != null;
        lifecycle.revoke(key, actor());
        if (!already) {
            event(OperationType.ACTION, client, key, "revoked");
        }
        return Response.ok(ApiKeyView.of(key, client.getClientId())).build();
    }

    private ClientModel client(String ref) {
        if (ref == null || ref.length() > 255) {
            return null;
        }
        ClientModel client = realm.getClientById(ref);
        return client != null ? client : realm.getClientByClientId(ref);
    }

    private String actor() {
        return auth.adminAuth().getUser().getId();
    }

    private void event(OperationType operation, ClientModel client, ApiKeyEntity key, String action) {
        adminEvent.clone(session).operation(operation)
                .resourcePath("clients", client.getId(), "kinga-api-keys", key.getPrefix())
                .representation(ApiKeyView.of(key, client.getClientId()))
                .detail("api_key", key.getPrefix())
                .detail("action", action)
                .success();
    }

    private Response createdResponse(ClientModel client, ApiKeyLifecycle.Created created) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("apiKey", created.apiKey());
        body.put("key", ApiKeyView.of(created.entity(), client.getClientId()));
        body.put("notice", "Store this key now: it cannot be shown again.");
        CacheControl noStore = new CacheControl();
        noStore.setNoStore(true);
        URI location = session.getContext().getUri().getBaseUriBuilder()
                .path("admin/realms/{realm}/kinga-api-keys/clients/{client}/keys/{key}")
                .build(realm.getName(), client.getId(), created.entity().getPrefix());
        return Response.created(location).cacheControl(noStore).header("Pragma", "no-cache").entity(body).build();
    }

    private static Response clientNotFound() {
        return error(new InvalidKeyRequestException(404, "client_not_found", "No such client in this realm"));
    }

    private static Response keyNotFound() {
        return error(new InvalidKeyRequestException(404, "key_not_found", "No such API key for this client"));
    }

    private static Response error(InvalidKeyRequestException e) {
        return Response.status(e.status()).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(Map.of("error", e.error(), "error_description", e.getMessage())).build();
    }
}
