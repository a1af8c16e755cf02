package dev.kinga.sidecar.security;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The sidecar serves the clients it is for, and people, not machines. A realm admin who can
 * manage clients can make any client issue tokens for audience {@code kinga-sidecar} with any
 * permission and any {@code amr}; so the token's {@code azp} must be a client meant for the
 * endpoint (the page's client for {@code /api/v1/me/}, the officers' clients for the rest), and the
 * token must come from a person's sign-in (a {@code sid}): a service account's
 * {@code client_credentials} token is refused, except for the integration clients named for the
 * text-only PII endpoints ({@code detect}, {@code anonymize}). Every refusal is in the sidecar's
 * trail ({@code TOKEN_CLIENT_REFUSED}) and, unless it was only an officer using the page's
 * token, raises an {@code unexpected-client} alert ({@link TokenAlarm}); once a minute per client
 * and reason at most, whatever is sent.
 */
public class ClientAllowList {

    private static final Logger LOG = Logger.getLogger(ClientAllowList.class);
    private static final Set<String> TEXT_ONLY = Set.of("/api/v1/pii/detect", "/api/v1/pii/anonymize");

    private final String pageClient;
    private final List<String> officerClients;
    private final List<String> integrationClients;
    private final OncePerMinute recorded = new OncePerMinute();

    @Inject
    CurrentIdentityAssociation identities;

    @Inject
    SecurityTrail trail;

    @Inject
    TokenAlarm alarm;

    public ClientAllowList(SelfServiceSettings selfService, ClientsConfig clients) {
        this.pageClient = selfService.clientId();
        this.officerClients = List.copyOf(clients.officers());
        this.integrationClients = clients.integrations().orElse(List.of());
    }

    @ServerRequestFilter
    public Uni<Response> onlyTheClientsItIsFor(ContainerRequestContext context) {
        String path = "/" + context.getUriInfo().getPath().replaceFirst("^/+", "");
        if (!path.startsWith("/api/")) {
            return Uni.createFrom().nullItem();
        }
        return identities.getDeferredIdentity()
                .onFailure().recoverWithNull() // an unusable token: authentication answers it
                .flatMap(identity -> {
                    if (identity == null || identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken jwt)) {
                        return Uni.createFrom().nullItem();
                    }
                    String refusal = refusal(jwt, path);
                    if (refusal == null) {
                        return Uni.createFrom().nullItem();
                    }
                    return Uni.createFrom().item(() -> refuse(jwt, path, refusal)).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
                });
    }

    /** Why this token may not call this path, or null. */
    String refusal(JsonWebToken jwt, String path) {
        String azp = claim(jwt, "azp");
        boolean own = path.startsWith("/api/v1/me/");
        boolean person = claim(jwt, "sid") != null;
        if (!person) {
            return !own && TEXT_ONLY.contains(path) && integrationClients.contains(azp) ? null : "service_account";
        }
        if (own) {
            return pageClient.equals(azp) ? null : "client_not_allowed";
        }
        return officerClients.contains(azp) ? null : pageClient.equals(azp) ? "own_data_only" : "client_not_allowed";
    }

    private Response refuse(JsonWebToken jwt, String path, String reason) {
        String azp = String.valueOf(claim(jwt, "azp"));
        if (recorded.due(azp + "/" + reason, System.currentTimeMillis())) {
            LOG.warnf("refused a token of client %s for %s (%s)", azp.length() > 64 ? azp.substring(0, 64) : azp, path, reason);
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("reason", reason);
            details.put("client", azp.length() > 255 ? azp.substring(0, 255) : azp);
            details.put("path", path.length() > 255 ? path.substring(0, 255) : path);
            QuarkusTransaction.requiringNew().run(() -> {
                trail.record("TOKEN_CLIENT_REFUSED", jwt, details);
                if (!"own_data_only".equals(reason)) { // an officer using the page's token is a mistake, not an attack
                    alarm.unexpectedClient((String) details.get("client"), jwt.getSubject(), reason,
                            path.length() > 200 ? path.substring(0, 200) : path);
                }
            });
        }
        return switch (reason) {
            case "own_data_only" -> ApiError.response(Response.Status.FORBIDDEN, "forbidden",
                    "Tokens of the self-service page act on your own data only (/api/v1/me/...)");
            case "service_account" -> ApiError.response(Response.Status.FORBIDDEN, "service_account_refused",
                    "The sidecar acts for people signed in, not for a client's own account (client_credentials)");
            default -> ApiError.response(Response.Status.FORBIDDEN, "client_not_allowed",
                    "Tokens of this client are not accepted here (kinga.clients.officers, kinga.self-service.client-id)");
        };
    }

    private static String claim(JsonWebToken jwt, String name) {
        Object value = jwt.getClaim(name);
        if (value == null) {
            return null;
        }
        String text = value.toString().replace("\"", "");
        return text.isBlank() ? null : text;
    }
}
