package dev.kinga.keycloak.apikey;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import org.keycloak.OAuth2Constants;
import org.keycloak.authentication.AuthenticationFlowError;
import org.keycloak.authentication.ClientAuthenticationFlowContext;
import org.keycloak.authentication.ClientAuthenticator;
import org.keycloak.authentication.authenticators.client.ClientAuthUtil;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

import java.util.Map;

/**
 * Authenticates a client at the token endpoint with one of its API keys, sent like a client
 * secret: HTTP Basic ({@code client_id:key}) or the form parameter {@code client_secret}
 * ({@code client_id} optional: the key names its client). Runs only for clients whose client
 * authenticator is {@value ApiKeyClientAuthenticatorFactory#PROVIDER_ID}. Every refusal answers
 * the same {@code 401 invalid_client}; the reason goes to the {@code CLIENT_LOGIN_ERROR} event.
 * On success the key is left in the session for {@link ApiKeyScopeMapper} to limit the token's roles.
 */
final class ApiKeyClientAuthenticator implements ClientAuthenticator {

    static final String SESSION_ATTRIBUTE = "kinga.api-key";
    static final String DETAIL_KEY = "api_key";
    static final String DETAIL_REASON = "reason";

    private final ApiKeyVerifier verifier;
    private final KeyRateLimiter rateLimiter;
    private final UsageTracker usage;

    ApiKeyClientAuthenticator(ApiKeyVerifier verifier, KeyRateLimiter rateLimiter, UsageTracker usage) {
        this.verifier = verifier;
        this.rateLimiter = rateLimiter;
        this.usage = usage;
    }

    @Override
    public void authenticateClient(ClientAuthenticationFlowContext context) {
        Credentials presented = credentials(context);
        RealmModel realm = context.getRealm();
        KeycloakSession session = context.getSession();
        ApiKeyVerifier.Verdict verdict = verifier.verify(session, realm, presented.key(),
                context.getConnection().getRemoteAddr());
        if (verdict.prefix() != null) {
            context.getEvent().detail(DETAIL_KEY, verdict.prefix());
        }
        ClientModel owner = verdict.key() == null ? null : realm.getClientById(verdict.key().clientId());
        if (owner != null) {
            // Client authentication only answers with a refusal for the client it settled on.
            context.setClient(owner);
            context.getEvent().client(owner);
        }
        if (!verdict.accepted()) {
            refuse(context, verdict.rejection());
            return;
        }
        KnownKey key = verdict.key();
        ClientModel client = owner;
        Rejection problem = clientProblem(client, presented.clientId());
        if (problem != null) {
            refuse(context, problem);
            return;
        }
        long retryAfter = rateLimiter.acquire(key.prefix());
        if (retryAfter > 0) {
            context.getEvent().detail(DETAIL_REASON, Rejection.RATE_LIMITED.code());
            context.failure(AuthenticationFlowError.ACCESS_DENIED, Response.status(429)
                    .header(HttpHeaders.RETRY_AFTER, Long.toString(retryAfter))
                    .type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(Map.of("error", "too_many_requests",
                            "error_description", "Too many token requests for this API key"))
                    .build());
            return;
        }
        session.setAttribute(SESSION_ATTRIBUTE, key);
        if (usage.record(key.prefix()) > 0) {
            ApiKeyUsage.markUsed(session, key);
        }
        context.success();
    }

    /** Why an accepted key's client may not authenticate this way, or null (the gateway asks the same). */
    static Rejection clientProblem(ClientModel client, String namedClientId) {
        if (client == null) {
            return Rejection.UNKNOWN_KEY;
        }
        if (namedClientId != null && !namedClientId.equals(client.getClientId())) {
            return Rejection.CLIENT_MISMATCH;
        }
        if (!client.isEnabled()) {
            return Rejection.CLIENT_DISABLED;
        }
        if (client.isPublicClient() || client.isBearerOnly() || !client.isServiceAccountsEnabled()) {
            return Rejection.NO_SERVICE_ACCOUNT; // Keycloak's client-credentials grant refuses these too
        }
        if (!ApiKeyClientAuthenticatorFactory.PROVIDER_ID.equals(client.getClientAuthenticatorType())) {
            return Rejection.CLIENT_NOT_API_KEY;
        }
        if (!ApiKeyScopeMapper.isOn(client)) {
            return Rejection.SCOPE_MAPPER_MISSING;
        }
        return null;
    }

    private static void refuse(ClientAuthenticationFlowContext context, Rejection rejection) {
        context.getEvent().detail(DETAIL_REASON, rejection.code());
        context.failure(AuthenticationFlowError.INVALID_CLIENT_CREDENTIALS, ClientAuthUtil.errorResponse(
                Response.Status.UNAUTHORIZED.getStatusCode(), "invalid_client", "Invalid client or Invalid client credentials"));
    }

    private record Credentials(String clientId, String key) {
    }

    private static Credentials credentials(ClientAuthenticationFlowContext context) {
        String authorization = context.getHttpRequest().getHttpHeaders().getHeaderString(HttpHeaders.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            String[] basic = BasicCredentials.parse(authorization);
            return basic == null ? new Credentials(null, null) : new Credentials(basic[0].isEmpty() ? null : basic[0], basic[1]);
        }
        MultivaluedMap<String, String> form = context.getHttpRequest().getDecodedFormParameters();
        String clientId = form.getFirst(OAuth2Constants.CLIENT_ID);
        return new Credentials(clientId == null || clientId.isEmpty() ? null : clientId,
                form.getFirst(OAuth2Constants.CLIENT_SECRET));
    }

    @Override
    public void close() {
        // per-node state lives in the factory
    }
}
