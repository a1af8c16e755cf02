package dev.kinga.sidecar.selfservice;

import dev.kinga.sidecar.audit.AuditTrail;
import dev.kinga.sidecar.connector.KeycloakPrivacy.AccountState;
import dev.kinga.sidecar.connector.KeycloakPrivacy;
import dev.kinga.sidecar.security.ApiError;
import dev.kinga.sidecar.security.OncePerMinute;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * A person's token acts for them only while Keycloak still has their account open. Keycloak's
 * own endpoints refuse a disabled account's token at once (userinfo, refresh), but an access token
 * stays valid until it expires; so before the sidecar acts for a person under
 * {@code /api/v1/me/}, it asks Keycloak (through {@link KeycloakPrivacy#accountState}, an enabled
 * answer reused for a few seconds). An account held for erasure, disabled or erased gets
 * {@code 403 account_closed} (or {@code 404 unknown_subject} once gone), recorded in the trail.
 * <p>
 * Left open: the cancellation code (it works while the account is held: that is its purpose) and
 * reading one's own requests' status (dates and states only), so the page can show an erasure
 * under way.
 */
public class OpenAccountsOnly {

    private static final Logger LOG = Logger.getLogger(OpenAccountsOnly.class);
    private static final String OWN_DATA = "own-data:";
    private static final Pattern STATUS_READ = Pattern.compile("/api/v1/me/requests(/[^/]+)?");

    @Inject
    CurrentIdentityAssociation identities;

    @Inject
    KeycloakPrivacy keycloak;

    @Inject
    AuditTrail trail;

    /** A refused account is recorded once a minute at most, whatever it keeps sending. */
    private final OncePerMinute recorded = new OncePerMinute();

    @ServerRequestFilter
    public Uni<Response> openAccountsOnly(ContainerRequestContext context) {
        String path = "/" + context.getUriInfo().getPath().replaceFirst("^/+", "");
        if (!path.startsWith("/api/v1/me/") || path.equals("/api/v1/me/cancel-erasure")
                || "GET".equals(context.getMethod()) && STATUS_READ.matcher(path).matches()) {
            return Uni.createFrom().nullItem();
        }
        return identities.getDeferredIdentity()
                .onFailure().recoverWithNull() // an unusable token: authentication answers it
                .flatMap(identity -> actsForAPerson(identity)
                        ? Uni.createFrom().item(() -> refusal((JsonWebToken) identity.getPrincipal(), context.getMethod(), path))
                                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                        : Uni.createFrom().nullItem());
    }

    /** A person's own token: the permission checks refuse anyone else before the endpoint is reached. */
    private static boolean actsForAPerson(SecurityIdentity identity) {
        return identity != null && !identity.isAnonymous() && identity.getPrincipal() instanceof JsonWebToken
                && identity.getRoles().stream().anyMatch(role -> role.startsWith(OWN_DATA));
    }

    private Response refusal(JsonWebToken person, String method, String path) {
        if (person.getSubject() == null || person.getSubject().isBlank()) {
            return ApiError.response(403, "account_closed", "The token names no account");
        }
        AccountState state;
        try {
            state = keycloak.accountState(person.getSubject());
        } catch (KeycloakPrivacy.ConnectorException e) {
            LOG.warnf("self-service: cannot ask Keycloak whether an account is open (%s)", e.getMessage());
            return ApiError.response(503, "temporarily_unavailable", "Keycloak cannot be asked about your account now; try again shortly");
        }
        if (state == AccountState.ACTIVE) {
            return null;
        }
        record(person, state, method, path);
        return state == AccountState.GONE
                ? ApiError.response(404, "unknown_subject", "Keycloak has no such account")
                : ApiError.response(403, "account_closed",
                        "Your account is closed (held for erasure or disabled): it cannot act here. To keep it, use your cancellation code");
    }

    private void record(JsonWebToken person, AccountState state, String method, String path) {
        if (!recorded.due(person.getSubject(), System.currentTimeMillis())) {
            return;
        }
        QuarkusTransaction.requiringNew().run(() -> trail.append("SELF_SERVICE_REFUSED", person,
                Map.of("reason", state == AccountState.GONE ? "account_gone" : "account_closed", "method", method,
                        "path", path.replaceAll("/archives/[^/]+", "/archives/…"))));
    }
}
