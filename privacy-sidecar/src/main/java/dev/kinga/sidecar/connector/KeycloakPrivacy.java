package dev.kinga.sidecar.connector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import dev.kinga.sidecar.security.Refusal;
import dev.kinga.sidecar.security.SignInSessions;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Keycloak as a connector: the realm's {@code kinga-privacy} admin endpoint, called with the
 * sidecar's own service account ({@code kinga-sidecar}, client credentials; its token is cached
 * until shortly before it expires). That account holds only the realm role
 * {@code kinga-privacy-agent}: it looks people up, exports, holds and erases them through
 * {@code kinga-privacy} and reaches nothing else of Keycloak's admin API. Keycloak being unreachable or answering 5xx is a
 * {@link ConnectorException} the caller retries; a person Keycloak does not know is {@code null}.
 */
@ApplicationScoped
public class KeycloakPrivacy implements SignInSessions {

    private static final Logger LOG = Logger.getLogger(KeycloakPrivacy.class);
    /** What Keycloak's user and session ids look like (UUIDs, or URL-safe ids): nothing that could leave the path. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern USER_ID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    @Inject
    KeycloakConfig config;

    private ClientAssertion assertion;

    @Inject
    ObjectMapper json;

    /** Accounts seen enabled, until when; an account found closed or gone is never cached, so it is refused at once. */
    private final Map<String, Instant> activeUntil = new ConcurrentHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private String token;
    private Instant tokenExpires = Instant.EPOCH;

    /** A Keycloak that failed to answer (down, 5xx, refused our credentials): try again later. */
    public static class ConnectorException extends RuntimeException {
        /** Keycloak refused for good (a 4xx other than 401, 404 and 429): retrying changes nothing. */
        public final boolean permanent;
        /** Keycloak's {@code error} for a permanent refusal (e.g. {@code privileged_account}), else null. */
        public final String error;

        public ConnectorException(String message) {
            this(message, false, null);
        }

        ConnectorException(String message, boolean permanent, String error) {
            super(message);
            this.permanent = permanent;
            this.error = error;
        }
    }

    /** A key file that cannot be read stops the start, instead of every data-subject request failing later. */
    void loadKey(@Observes StartupEvent started) {
        if (keyFile().isPresent()) {
            if (!config.clientKeyId().matches("[A-Za-z0-9._:-]{1,64}") || !config.clientId().matches("[A-Za-z0-9._:-]{1,255}")) {
                throw new IllegalStateException("kinga.keycloak.client-id and client-key-id are plain names");
            }
            assertion = ClientAssertion.fromPemFile(config.clientId(), config.clientKeyId(), Path.of(keyFile().get()));
        }
    }

    public boolean configured() {
        return keyFile().isPresent() || config.clientSecret().filter(s -> !s.isBlank()).isPresent();
    }

    private Optional<String> keyFile() {
        return config.clientKeyFile().filter(s -> !s.isBlank());
    }

    /** The Keycloak user id of a person named by id or username, or null when the realm has no such user. */
    public String resolve(String subject) {
        String byId = null;
        if (USER_ID.matcher(subject).matches()) {
            HttpResponse<String> user = call("GET", person(subject.toLowerCase(Locale.ROOT)));
            byId = user.statusCode() == 404 ? null : read(expect(user, 200)).path("id").asText();
        }
        String byName = byUsername(subject);
        if (byId != null && byName != null && !byId.equals(byName)) {
            throw new ConnectorException("ambiguous subject", true, "ambiguous_subject");
        }
        return byId != null ? byId : byName;
    }

    private String byUsername(String subject) {
        String username = subject.strip().toLowerCase(Locale.ROOT);
        HttpResponse<String> found = call("GET", admin("/kinga-privacy/users?username=" + URLEncoder.encode(username, StandardCharsets.UTF_8)));
        for (JsonNode user : read(expect(found, 200))) {
            if (username.equals(user.path("username").asText())) {
                return user.path("id").asText();
            }
        }
        return null;
    }

    /** How to reach a person: their e-mail address (null when none) and whether it was verified, first name and language. */
    public record Contact(String email, boolean emailVerified, String firstName, String locale) {
    }

    /** The person's contact details, or null when the realm has no such user. */
    public Contact contact(String userId) {
        if (!USER_ID.matcher(userId).matches()) {
            return null;
        }
        HttpResponse<String> response = call("GET", person(userId.toLowerCase(Locale.ROOT)));
        if (response.statusCode() == 404) {
            return null;
        }
        JsonNode user = read(expect(response, 200));
        String email = user.path("email").asText("");
        return new Contact(email.isBlank() ? null : email, user.path("emailVerified").asBoolean(false), user.path("firstName").asText(null),
                user.path("locale").asText(null));
    }

    /** Everything Keycloak and Kinga's providers hold about the user, or null when the user is gone. */
    public JsonNode export(String userId) {
        HttpResponse<String> response = call("GET", privacy(userId, "export"));
        return response.statusCode() == 404 ? null : read(expect(response, 200));
    }

    /** Whether Keycloak still lets a person act: enabled, closed (disabled, e.g. held for erasure) or gone (erased). */
    public enum AccountState { ACTIVE, CLOSED, GONE }

    /** The account's state in Keycloak; an enabled answer is reused for {@code kinga.keycloak.account-check-cache}. */
    public AccountState accountState(String userId) {
        Instant until = activeUntil.get(userId);
        if (until != null && Instant.now().isBefore(until)) {
            return AccountState.ACTIVE;
        }
        HttpResponse<String> response = call("GET", person(userId));
        if (response.statusCode() == 404) {
            activeUntil.remove(userId);
            return AccountState.GONE;
        }
        if (!read(expect(response, 200)).path("enabled").asBoolean(false)) {
            activeUntil.remove(userId);
            return AccountState.CLOSED;
        }
        if (activeUntil.size() > 10_000) {
            activeUntil.clear(); // bounded: a cache miss only costs one look-up
        }
        activeUntil.put(userId, Instant.now().plus(config.accountCheckCache()));
        return AccountState.ACTIVE;
    }

    /** Keycloak's record of one of the person's sessions ({@code kinga-privacy/users/{id}/sessions/{sid}}). */
    @Override
    public OptionalLong lastMfa(String userId, String sessionId) {
        if (userId == null || sessionId == null || !ID.matcher(userId).matches() || !ID.matcher(sessionId).matches()) {
            return OptionalLong.empty(); // no id Keycloak makes: no such session
        }
        HttpResponse<String> response;
        try {
            response = call("GET", admin("/kinga-privacy/users/" + userId + "/sessions/" + sessionId));
            if (response.statusCode() == 404) {
                String error = errorCode(response);
                if ("session_not_found".equals(error) || "user_not_found".equals(error)) {
                    return OptionalLong.empty();
                }
                // Not Kinga's answer (a Keycloak without the current providers jar, a proxy): never read as "signed out".
                throw new ConnectorException("Keycloak answered 404 without Kinga's error to a session look-up: is its Kinga jar current?");
            }
            return OptionalLong.of(Math.max(0, read(expect(response, 200)).path("mfaAt").asLong(0)));
        } catch (ConnectorException e) {
            LOG.warnf("step-up: cannot ask Keycloak about a sign-in session (%s)", e.getMessage());
            throw new Refusal(503, "temporarily_unavailable", "Keycloak cannot confirm the sign-in now; try again shortly");
        }
    }

    /** Disables the account for the grace period (idempotent); false when the user is gone. */
    public boolean hold(String userId) {
        activeUntil.remove(userId); // refused by this sidecar from now on, not when the cached answer runs out
        HttpResponse<String> response = call("POST", privacy(userId, "hold"));
        if (response.statusCode() == 404) {
            return false;
        }
        expect(response, 200);
        return true;
    }

    /** Gives the account back as it was before the hold; false when there was no hold or no user. */
    public boolean release(String userId) {
        HttpResponse<String> response = call("DELETE", privacy(userId, "hold"));
        if (response.statusCode() == 404) {
            return false;
        }
        expect(response, 200);
        return true;
    }

    /** Erases the user; the receipt, or null when Keycloak has no such user (already erased). */
    public JsonNode erase(String userId) {
        activeUntil.remove(userId);
        HttpResponse<String> response = call("POST", privacy(userId, "erase"));
        return response.statusCode() == 404 ? null : read(expect(response, 200));
    }

    private URI admin(String path) {
        return URI.create(config.url() + "/admin/realms/" + config.realm() + path);
    }

    /** Kinga's look-up of one person ({@code kinga-privacy/users/{id}}): the sidecar's account holds no admin-API role. */
    private URI person(String userId) {
        return admin("/kinga-privacy/users/" + URLEncoder.encode(userId, StandardCharsets.UTF_8));
    }

    private URI privacy(String userId, String action) {
        return admin("/kinga-privacy/users/" + URLEncoder.encode(userId, StandardCharsets.UTF_8) + "/" + action);
    }

    private HttpResponse<String> call(String method, URI uri) {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token())
                .header("Accept", "application/json")
                .method(method, HttpRequest.BodyPublishers.noBody())
                .build();
        return send(request);
    }

    private synchronized String token() {
        if (token != null && Instant.now().isBefore(tokenExpires)) {
            return token;
        }
        if (!configured()) {
            throw new ConnectorException("neither kinga.keycloak.client-key-file nor kinga.keycloak.client-secret is set: "
                    + "the sidecar cannot reach Keycloak's privacy endpoint");
        }
        String form = "grant_type=client_credentials&client_id=" + URLEncoder.encode(config.clientId(), StandardCharsets.UTF_8);
        if (keyFile().isPresent()) {
            String audience = config.clientAssertionAudience().filter(a -> !a.isBlank()).orElse(config.url() + "/realms/" + config.realm());
            form += "&client_assertion_type=" + URLEncoder.encode(ClientAssertion.TYPE, StandardCharsets.UTF_8)
                    + "&client_assertion=" + assertion.sign(audience, Instant.now());
        } else {
            form += "&client_secret=" + URLEncoder.encode(config.clientSecret().get(), StandardCharsets.UTF_8);
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(config.url() + "/realms/" + config.realm() + "/protocol/openid-connect/token"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build();
        JsonNode answer = read(expect(send(request), 200));
        token = answer.path("access_token").asText();
        tokenExpires = Instant.now().plusSeconds(Math.max(0, answer.path("expires_in").asLong(60) - 30));
        return token;
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new ConnectorException("Keycloak is unreachable: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectorException("interrupted while calling Keycloak");
        }
    }

    private HttpResponse<String> expect(HttpResponse<String> response, int status) {
        if (response.statusCode() == 401) {
            synchronized (this) {
                token = null; // a revoked or expired token: fetch a new one next time
            }
        }
        if (response.statusCode() != status) {
            int code = response.statusCode();
            boolean permanent = code >= 400 && code < 500 && code != 401 && code != 404 && code != 429;
            String error = permanent ? errorCode(response) : null;
            throw new ConnectorException("Keycloak answered " + code + (error == null ? "" : " " + error) + " to "
                    + response.request().method() + " " + response.request().uri().getPath()
                    .replaceAll("/users/[^/]+", "/users/{id}").replaceAll("/sessions/[^/]+", "/sessions/{sid}"),
                    permanent, error);
        }
        return response;
    }

    /** The {@code error} of a JSON error answer, or null. */
    private String errorCode(HttpResponse<String> response) {
        try {
            return json.readTree(response.body()).path("error").asText(null);
        } catch (IOException | RuntimeException notJson) {
            return null;
        }
    }

    private JsonNode read(HttpResponse<String> response) {
        try {
            return json.readTree(response.body());
        } catch (IOException e) {
            throw new ConnectorException("Keycloak answered something that is not JSON");
        }
    }
}
