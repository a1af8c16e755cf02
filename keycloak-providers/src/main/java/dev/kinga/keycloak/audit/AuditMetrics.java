package dev.kinga.keycloak.audit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Metrics;

import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Delivery metrics per sink, on Keycloak's metrics endpoint ({@code --metrics-enabled=true},
 * {@code /metrics} on the management port): {@code kinga_audit_outbox_pending},
 * {@code kinga_audit_outbox_lag_seconds}, {@code kinga_audit_delivered_total},
 * {@code kinga_audit_delivery_failures_total}, tagged with the sink (URL without credentials or query).
 */
final class AuditMetrics {

    private final Map<String, AtomicLong> pending = new HashMap<>();
    private final Map<String, AtomicLong> lagMillis = new HashMap<>();
    private final Map<String, Counter> delivered = new HashMap<>();
    private final Map<String, Counter> failures = new HashMap<>();

    AuditMetrics(List<String> sinks) {
        for (String sink : sinks) {
            String tag = label(sink);
            AtomicLong waiting = new AtomicLong();
            AtomicLong lag = new AtomicLong();
            pending.put(sink, waiting);
            lagMillis.put(sink, lag);
            Gauge.builder("kinga.audit.outbox.pending", waiting, AtomicLong::get).tag("sink", tag)
                    .description("Audit records waiting for delivery to this sink").register(Metrics.globalRegistry);
            Gauge.builder("kinga.audit.outbox.lag.seconds", lag, l -> l.get() / 1000.0).tag("sink", tag)
                    .description("Age of the oldest record waiting for this sink").register(Metrics.globalRegistry);
            delivered.put(sink, Counter.builder("kinga.audit.delivered").tag("sink", tag)
                    .description("Audit records delivered to this sink").register(Metrics.globalRegistry));
            failures.put(sink, Counter.builder("kinga.audit.delivery.failures").tag("sink", tag)
                    .description("Failed delivery attempts to this sink").register(Metrics.globalRegistry));
        }
    }

    void outbox(String sink, long waiting, long lag) {
        pending.get(sink).set(waiting);
        lagMillis.get(sink).set(lag);
    }

    void delivered(String sink, int count) {
        delivered.get(sink).increment(count);
    }

    void failed(String sink, int count) {
        failures.get(sink).increment(count);
    }

    /** The sink as a metric tag: never its user info or query, which may carry credentials. */
    static String label(String sink) {
        if (AuditConfig.LOG_SINK.equals(sink)) {
            return sink;
        }
        URI uri = URI.create(sink);
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "") + uri.getPath();
    }
}
