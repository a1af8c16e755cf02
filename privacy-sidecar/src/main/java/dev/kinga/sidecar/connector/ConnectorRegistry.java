package dev.kinga.sidecar.connector;

import dev.kinga.sidecar.audit.AuditTrail;
import dev.kinga.sidecar.connector.KeycloakPrivacy;
import dev.kinga.sidecar.keys.KeyEncryptionKeys;
import dev.kinga.sidecar.security.Refusal;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Application connectors registered through the API ({@code /api/v1/connectors}), kept in the
 * sidecar's database with their HMAC secret sealed under the vault's active key-encryption key
 * and bound to the connector's name (a sealed secret copied to another row does not open). A
 * name the configuration already uses cannot be registered; every change is in the audit trail.
 * Secrets under a KEK that is no longer active are re-sealed under the active one at start and
 * with the vault's periodic re-wrap. A connector moved to another URL needs a new secret.
 */
@ApplicationScoped
public class ConnectorRegistry {

    private static final Logger LOG = Logger.getLogger(ConnectorRegistry.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    @Inject
    EntityManager em;

    @Inject
    KeyEncryptionKeys keks;

    @Inject
    AuditTrail trail;

    @Inject
    ConfiguredConnectors configured;

    /** The outcome of a registration: the stored row, and the secret when the sidecar made it (shown once). */
    public record Registration(RegisteredConnector connector, boolean created, String generatedSecret) {
    }

    /** Registered connectors with their secrets opened; one whose secret no configured KEK opens is left out, loudly. */
    @Transactional
    public List<Connector> registered() {
        List<Connector> out = new ArrayList<>();
        for (RegisteredConnector c : list()) {
            Optional<String> secret = open(c);
            if (secret.isEmpty()) {
                LOG.errorf("connector %s: its secret cannot be opened (KEK %s is not configured in kinga.pii.vault-keys);"
                        + " register it again", c.name, c.kekId);
                throw new KeycloakPrivacy.ConnectorException("connector " + c.name + " cannot be called: its secret's key is not configured");
            }
            out.add(new Connector(c.name, c.url, secret.get(), Connector.API));
        }
        return out;
    }

    public List<RegisteredConnector> list() {
        return em.createQuery("select c from RegisteredConnector c order by c.name", RegisteredConnector.class).getResultList();
    }

    public RegisteredConnector find(String name) {
        RegisteredConnector c = name == null ? null : em.find(RegisteredConnector.class, name);
        if (c == null) {
            throw new Refusal(404, "not_found", "No connector registered through the API with this name");
        }
        return c;
    }

    /**
     * Registers a connector or replaces its URL and secret. Without a secret, a new connector gets
     * a random one (returned once); a replaced one keeps its secret.
     */
    @Transactional
    public Registration put(String name, String url, String secret, JsonWebToken caller) {
        if (configured.configured().containsKey(name)) {
            throw new Refusal(409, "configured_connector", "This connector is defined in the sidecar's configuration;"
                    + " change it there, or register the API one under another name");
        }
        RegisteredConnector c = em.find(RegisteredConnector.class, name, LockModeType.PESSIMISTIC_WRITE);
        boolean created = c == null;
        String generated = null;
        if (secret == null && created) {
            byte[] random = new byte[32];
            RANDOM.nextBytes(random);
            secret = generated = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        }
        if (secret == null && !url.equals(c.url)) {
            // The old secret must not follow the app's data to a new address (someone else's server, say).
            throw new Refusal(400, "invalid_request", "a connector moved to another URL needs a new secret: send secret");
        }
        if (secret == null) {
            secret = open(c).orElseThrow(() -> new Refusal(409, "secret_unreadable",
                    "The stored secret's key is no longer configured: send a new secret"));
        }
        String problem = ConfiguredConnectors.problem(name, url, secret);
        if (problem != null) {
            throw new Refusal(400, "invalid_request", problem);
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        String actor = caller.getSubject();
        if (created) {
            c = new RegisteredConnector();
            c.name = name;
            c.createdAt = now;
            c.createdBy = actor;
        }
        c.url = url;
        seal(c, secret);
        c.updatedAt = now;
        c.updatedBy = actor;
        if (created) {
            em.persist(c);
        }
        trail.append(created ? "CONNECTOR_REGISTERED" : "CONNECTOR_CHANGED", caller, details(c));
        return new Registration(c, created, generated);
    }

    @Transactional
    public void remove(String name, JsonWebToken caller) {
        if (configured.configured().containsKey(name)) {
            throw new Refusal(409, "configured_connector", "This connector is defined in the sidecar's configuration; remove it there");
        }
        RegisteredConnector c = em.find(RegisteredConnector.class, name, LockModeType.PESSIMISTIC_WRITE);
        if (c == null) {
            throw new Refusal(404, "not_found", "No connector registered through the API with this name");
        }
        em.remove(c);
        trail.append("CONNECTOR_REMOVED", caller, details(c));
    }

    @Transactional
    void resealAtStart(@Observes StartupEvent start) {
        reseal();
    }

    /** Moves secrets sealed under an older KEK to the active one (at start, and with the vault's re-wrap). */
    @Scheduled(every = "${kinga.pii.rewrap-interval:60s}", delayed = "${kinga.pii.rewrap-delay:10s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    @Transactional
    void reseal() {
        int moved = 0;
        for (RegisteredConnector c : em.createQuery("select c from RegisteredConnector c where c.kekId <> :active",
                RegisteredConnector.class).setParameter("active", keks.activeId()).setLockMode(LockModeType.PESSIMISTIC_WRITE).getResultList()) {
            Optional<String> secret = open(c);
            if (secret.isPresent()) {
                seal(c, secret.get());
                moved++;
            }
        }
        if (moved > 0) {
            LOG.infof("connectors: %d secret(s) re-sealed under KEK %s", moved, keks.activeId());
        }
    }

    private void seal(RegisteredConnector c, String secret) {
        c.kekId = keks.activeId();
        c.secretSealed = keks.wrap(secret.getBytes(StandardCharsets.UTF_8), boundTo(c.name));
    }

    private Optional<String> open(RegisteredConnector c) {
        return keks.unwrap(c.kekId, c.secretSealed, boundTo(c.name)).map(b -> new String(b, StandardCharsets.UTF_8));
    }

    private static String boundTo(String name) {
        return "connector:" + name;
    }

    private static Map<String, Object> details(RegisteredConnector c) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("connector", c.name);
        details.put("url", c.url);
        return details;
    }
}
