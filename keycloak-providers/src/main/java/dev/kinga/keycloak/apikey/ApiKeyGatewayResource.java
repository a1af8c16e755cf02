package dev.kinga.keycloak.apikey;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import org.keycloak.authentication.authenticators.client.ClientAuthUtil;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.headers.SecurityHeadersProvider;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code POST /realms/{realm}/kinga-api-keys/introspect}: lets an API gateway check a key on
 * every request it forwards, in the manner of RFC 7662. The gateway authenticates with its own
 * client id and secret (HTTP Basic) and its service account needs the gateway realm role.
 * Form parameters: {@code token} (the API key) and optional {@code client_ip} (the caller's
 * address, checked against the key's allow-list). Answers {@code {"active": false}} for any
 * key that may not be used, without saying why; the reason goes to an event.
 * Also serves the admin page at {@code console}.
 */
@Produces(MediaType.APPLICATION_JSON)
public class ApiKeyGatewayResource {

    private final KeycloakSession session;
    private final RealmModel realm;
    private final ApiKeys keys;

    ApiKeyGatewayResource(KeycloakSession session, ApiKeys keys) {
        this.session = session;
        this.realm = session.getContext().getRealm();
        this.keys = keys;
    }

    @POST
    @Path("introspect")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response introspect(MultivaluedMap<String, String> form) {
        ClientModel gateway = authenticatedGateway();
        if (gateway == null) {
            return ClientAuthUtil.errorResponse(401, "invalid_client", "Gateway client authentication failed");
        }
        if (!mayIntrospect(gateway)) {
            return Response.status(403).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(Map.of("error", "access_denied", "error_description",
                            "The gateway's service account lacks the realm role " + keys.config().gatewayRole()))
                    .build();
        }
        String clientIp = form.getFirst("client_ip");
        ApiKeyVerifier.Verdict verdict = keys.verifier().verify(session, realm, form.getFirst("token"),
                clientIp == null || clientIp.isBlank() ? null : clientIp.trim());
        EventBuilder event = new EventBuilder(realm, session, session.getContext().getConnection())
                .event(EventType.INTROSPECT_TOKEN).client(gateway).detail("token_type", "api_key");
        if (verdict.prefix() != null) {
            event.detail(ApiKeyClientAuthenticator.DETAIL_KEY, verdict.prefix());
        }
        if (!verdict.accepted()) {
            event.detail(ApiKeyClientAuthenticator.DETAIL_REASON, verdict.rejection().code())
                    .error(verdict.rejection() == Rejection.UNKNOWN_KEY || verdict.key() == null ? "invalid_token" : "inactive_token");
            return inactive();
        }
        KnownKey key = verdict.key();
        ClientModel owner = realm.getClientById(key.clientId());
        // Exactly the token endpoint's checks: a key it would refuse is inactive here too.
        Rejection problem = ApiKeyClientAuthenticator.clientProblem(owner, null);
        UserModel serviceAccount = problem == null ? session.users().getServiceAccount(owner) : null;
        if (problem == null && (serviceAccount == null || !serviceAccount.isEnabled())) {
            problem = Rejection.NO_SERVICE_ACCOUNT; // no token could be issued for this key
        }
        if (problem != null) {
            event.detail(ApiKeyClientAuthenticator.DETAIL_REASON, problem.code()).error("inactive_token");
            return inactive();
        }
        long uses = keys.usage().record(key.prefix());
        if (uses > 0) {
            ApiKeyUsage.markUsed(session, key);
            event.detail("uses", Long.toString(uses)).success(); // aggregated: at most one per key, node and interval
        }
        return Response.ok(active(key, owner, heldScopes(key, serviceAccount))).cacheControl(noStore()).build();
    }

    /** The admin page (see docs/api-keys.md); static files, the data comes from the admin API. */
    @GET
    @Path("console")
    public Response console() {
        return page("console.html", "text/html; charset=utf-8");
    }

    @GET
    @Path("console.js")
    public Response consoleScript() {
        return page("console.js", "text/javascript; charset=utf-8");
    }

    @GET
    @Path("console.css")
    public Response consoleStyle() {
        return page("console.css", "text/css; charset=utf-8");
    }

    private Response page(String file, String type) {
        // The realm's browser security headers are written for Keycloak's own pages; this page
        // sends stricter ones (no inline code, no framing), so Keycloak must not replace them.
        session.getProvider(SecurityHeadersProvider.class).options().skipHeaders();
        try (InputStream in = ApiKeyGatewayResource.class.getResourceAsStream("/kinga-api-keys/" + file)) {
            if (in == null) {
                return Response.status(404).build();
            }
            return Response.ok(in.readAllBytes(), type)
                    .header("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'; form-action 'self'")
                    .header("X-Content-Type-Options", "nosniff")
                    .header("X-Frame-Options", "DENY")
                    .header("Referrer-Policy", "no-referrer")
                    .header("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
                    .header("Cache-Control", "no-cache")
                    .build();
        } catch (IOException e) {
            return Response.serverError().build();
        }
    }

    /** A fresh answer each time: Keycloak's filters add headers to the response object. */
    private static Response inactive() {
        return Response.ok(Map.of("active", false)).cacheControl(noStore()).build();
    }

    /** The key's scopes that the service account still holds now, as its tokens would carry them. */
    private static Set<String> heldScopes(KnownKey key, UserModel serviceAccount) {
        Set<String> held = new TreeSet<>(key.scopes());
        held.retainAll(ApiKeyScopes.available(serviceAccount));
        return held;
    }

    private static Map<String, Object> active(KnownKey key, ClientModel owner, Set<String> held) {
        List<String> scopes = List.copyOf(held);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("active", true);
        body.put("token_type", "api_key");
        body.put("client_id", owner.getClientId());
        body.put("api_key", key.prefix());
        body.put("name", key.name());
        body.put("scopes", scopes);
        body.put("scope", String.join(" ", scopes));
        body.put("exp", key.expiresAt());
        return body;
    }

    /** The confidential client named and proven by HTTP Basic, or null. */
    private ClientModel authenticatedGateway() {
        String authorization = session.getContext().getRequestHeaders().getHeaderString(HttpHeaders.AUTHORIZATION);
        String[] basic = BasicCredentials.parse(authorization);
        if (basic == null || basic[0].isEmpty() || basic[0].length() > 255) {
            return null;
        }
        ClientModel client = realm.getClientByClientId(basic[0]);
        if (client == null || !client.isEnabled() || client.isPublicClient() || client.isBearerOnly()
                || client.getSecret() == null || !client.validateSecret(basic[1])) {
            return null;
        }
        return client;
    }

    private boolean mayIntrospect(ClientModel gateway) {
        RoleModel role = realm.getRole(keys.config().gatewayRole());
        if (role == null || !gateway.isServiceAccountsEnabled()) {
            return false;
        }
        UserModel serviceAccount = session.users().getServiceAccount(gateway);
        return serviceAccount != null && serviceAccount.hasRole(role);
    }

    private static CacheControl noStore() {
        CacheControl cc = new CacheControl();
        cc.setNoStore(true);
        return cc;
    }
}
