package dev.kinga.keycloak.apikey;

import dev.kinga.keycloak.apikey.jpa.JpaTakeLedger;
import org.jboss.logging.Logger;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.utils.KeycloakModelUtils;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The node's thread that shares its API-key rate limits with the other nodes: every
 * {@code rate-limit-sync-ms} it writes what this node admitted and charges what the others did,
 * in one short transaction of its own (never a request's).
 */
final class LimitSync {

    private static final Logger LOG = Logger.getLogger(LimitSync.class);

    private final KeycloakSessionFactory factory;
    private final KeyRateLimiter limiter;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "kinga-rate-limit-sync");
        t.setDaemon(true);
        return t;
    });
    private boolean failing;

    LimitSync(KeycloakSessionFactory factory, KeyRateLimiter limiter) {
        this.factory = factory;
        this.limiter = limiter;
    }

    void start(long intervalMillis) {
        executor.scheduleWithFixedDelay(this::sync, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    }

    void stop() {
        executor.shutdownNow();
    }

    private void sync() {
        try {
            KeycloakModelUtils.runJobInTransaction(factory, session ->
                    limiter.sync(new JpaTakeLedger(session.getProvider(JpaConnectionProvider.class).getEntityManager())));
            if (failing) {
                failing = false;
                LOG.info("Kinga API keys: the rate limits are shared with the other nodes again");
            }
        } catch (RuntimeException e) {
            if (!failing) {
                failing = true; // once per outage, not every half second
                LOG.warnf("Kinga API keys: the rate limits could not be shared with the other nodes (%s); "
                        + "each node limits on its own until the database answers", e.getClass().getSimpleName());
            }
        }
    }
}
