package dev.kinga.sidecar.security;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * This node's thread that shares its request limits with the other sidecar nodes on the same
 * database: every {@code kinga.rate-limit.sync-interval-ms} it writes what this node admitted
 * and charges what the others did, in one short transaction of its own.
 */
@ApplicationScoped
public class LimitSync {

    private static final Logger LOG = Logger.getLogger(LimitSync.class);

    @Inject
    RateLimiter limiter;

    @Inject
    DataSource dataSource;

    @ConfigProperty(name = "kinga.rate-limit.sync-interval-ms", defaultValue = "500")
    long intervalMillis;

    private ScheduledExecutorService executor;
    private boolean failing;

    void start(@Observes StartupEvent started) {
        if (intervalMillis < 1) {
            throw new IllegalStateException("kinga.rate-limit.sync-interval-ms must be at least 1, got " + intervalMillis);
        }
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kinga-rate-limit-sync");
            t.setDaemon(true);
            return t;
        });
        executor.scheduleWithFixedDelay(this::sync, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent stopping) {
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    private void sync() {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                limiter.sync(new JdbcTakeLedger(connection));
                connection.commit();
            } catch (RuntimeException | SQLException e) {
                connection.rollback();
                throw e;
            }
            if (failing) {
                failing = false;
                LOG.info("The request limits are shared with the other sidecar nodes again");
            }
        } catch (RuntimeException | SQLException e) {
            if (!failing) {
                failing = true; // once per outage, not every half second
                LOG.warnf("The request limits could not be shared with the other sidecar nodes (%s); "
                        + "each node limits on its own until the database answers", e.getClass().getSimpleName());
            }
        }
    }
}
