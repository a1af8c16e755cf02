package dev.kinga.keycloak.audit;

import org.keycloak.Config;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.models.KeycloakSessionFactory;

import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * SPI options of the {@code kinga-audit} event listener, read once at startup
 * ({@code --spi-events-listener--kinga-audit--<option>}). See docs/configuration.md.
 */
public record AuditConfig(
        boolean global,
        List<String> sinks,
        byte[] sinkSigningKey,
        int sinkTimeoutMillis,
        int sinkBatchSize,
        long forwardIntervalMillis,
        long maxBackoffMillis,
        IpTruncation ipTruncation,
        int retentionDays,
        int retentionFloorDays,
        AnchorKeys anchorKeys,
        int anchorIntervalMinutes,
        int anchorFirstDelaySeconds,
        int failedLoginThreshold,
        int failedLoginWindowSeconds,
        int stuffingUserThreshold,
        int stuffingWindowSeconds,
        Set<String> privilegedRoles,
        Set<String> guardedClients,
        int sequencerBatchSize,
        int sequencerWindowMillis,
        int maxMergeDelaySeconds) {

    /**
     * How old the first record after the newest anchor may be before {@code verify} calls its
     * anchor missing: two anchor intervals (one may be skipped by a busy or restarting node) plus five minutes.
     */
    public long anchorDueMillis() {
        return (2L * anchorIntervalMinutes + 5) * 60_000L;
    }

    /** The sink name that writes JSON lines to the log category {@value AuditForwarder#LOG_CATEGORY}. */
    public static final String LOG_SINK = "log";

    public enum IpTruncation {
        /** keep the whole address */
        NONE,
        /** IPv4 /24, IPv6 /48 */
        NETWORK
    }

    static final String GLOBAL = "global";
    static final String SINKS = "sinks";
    static final String SINK_SIGNING_KEY = "sink-signing-key";
    static final String SINK_TIMEOUT = "sink-timeout-ms";
    static final String SINK_BATCH = "sink-batch-size";
    /** The most records one post may carry: the sidecar's intake takes up to 500. */
    static final int MAX_SINK_BATCH = 500;
    static final String FORWARD_INTERVAL = "forward-interval-ms";
    static final String MAX_BACKOFF = "max-backoff-ms";
    static final String IP_TRUNCATION = "ip-truncation";
    static final String RETENTION_DAYS = "retention-days";
    static final String RETENTION_FLOOR_DAYS = "retention-floor-days";
    static final String ANCHOR_KEYS = "anchor-keys";
    static final String ANCHOR_INTERVAL = "anchor-interval-minutes";
    static final String ANCHOR_FIRST_DELAY = "anchor-first-delay-seconds";
    static final String FAILED_LOGIN_THRESHOLD = "failed-login-threshold";
    static final String FAILED_LOGIN_WINDOW = "failed-login-window-seconds";
    static final String STUFFING_THRESHOLD = "stuffing-user-threshold";
    static final String STUFFING_WINDOW = "stuffing-window-seconds";
    static final String PRIVILEGED_ROLES = "privileged-roles";
    static final String SEQUENCER_BATCH = "sequencer-batch-size";
    static final String SEQUENCER_WINDOW = "sequencer-window-ms";
    static final String MAX_MERGE_DELAY = "max-merge-delay-seconds";

    static final String GUARDED_CLIENTS = "guarded-clients";
    static final String DEFAULT_GUARDED_CLIENTS = "kinga-sidecar,kinga-compliance-cli,kinga-my-data,kinga-api-key-console,kinga-api";

    static final String DEFAULT_PRIVILEGED_ROLES =
            "admin,administrator,supervisor,privacy-officer,security-officer,realm-admin,manage-users,manage-realm,manage-clients,"
                    + "kinga-privacy-agent";

    /** The {@code kinga-audit} event listener's id: its factory reads the options and holds them. */
    static final String SOURCE_ID = "kinga-audit";

    /** What holds the node's audit configuration (the event listener factory). */
    interface Source {
        AuditConfig auditConfig();
    }

    /** The node's audit configuration, for the trail's own resources and for capabilities that follow its rules (privileged roles). */
    public static AuditConfig of(KeycloakSessionFactory factory) {
        return ((Source) factory.getProviderFactory(EventListenerProvider.class, SOURCE_ID)).auditConfig();
    }

    static AuditConfig from(Config.Scope scope) {
        List<String> sinks = new ArrayList<>();
        for (String sink : split(scope.get(SINKS, ""))) {
            if (!sink.equals(LOG_SINK)) {
                URI uri = URI.create(sink);
                if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                    throw new IllegalArgumentException("kinga-audit: sink '" + sink + "' is neither 'log' nor an http(s) URL");
                }
            }
            sinks.add(sink);
        }
        int retentionDays = positive(scope, RETENTION_DAYS, 365);
        int floorDays = scope.getInt(RETENTION_FLOOR_DAYS, 90);
        if (floorDays < 0 || floorDays > retentionDays) {
            throw new IllegalArgumentException("kinga-audit: " + RETENTION_FLOOR_DAYS + " must be between 0 and "
                    + RETENTION_DAYS + " (" + retentionDays + "), was " + floorDays);
        }
        return new AuditConfig(
                scope.getBoolean(GLOBAL, true),
                List.copyOf(sinks),
                signingKey(scope.get(SINK_SIGNING_KEY)),
                positive(scope, SINK_TIMEOUT, 5000),
                sinkBatchSize(scope),
                positive(scope, FORWARD_INTERVAL, 1000),
                positive(scope, MAX_BACKOFF, 30_000),
                IpTruncation.valueOf(scope.get(IP_TRUNCATION, "NONE").strip().toUpperCase()),
                retentionDays,
                floorDays,
                AnchorKeys.parse(scope.get(ANCHOR_KEYS)),
                positive(scope, ANCHOR_INTERVAL, 15),
                positive(scope, ANCHOR_FIRST_DELAY, 10),
                positive(scope, FAILED_LOGIN_THRESHOLD, 5),
                positive(scope, FAILED_LOGIN_WINDOW, 300),
                positive(scope, STUFFING_THRESHOLD, 10),
                positive(scope, STUFFING_WINDOW, 300),
                Set.copyOf(split(scope.get(PRIVILEGED_ROLES, DEFAULT_PRIVILEGED_ROLES))),
                Set.copyOf(split(scope.get(GUARDED_CLIENTS, DEFAULT_GUARDED_CLIENTS))),
                positive(scope, SEQUENCER_BATCH, 1000),
                positive(scope, SEQUENCER_WINDOW, 50),
                positive(scope, MAX_MERGE_DELAY, 5));
    }

    /**
     * The key that signs deliveries to http(s) sinks (the privacy sidecar checks it): at least 32
     * characters of text, used as UTF-8 bytes; none means deliveries go unsigned.
     */
    private static byte[] signingKey(String key) {
        if (key == null || key.isBlank()) {
            return null;
        }
        if (key.strip().length() < 32) {
            throw new IllegalArgumentException("kinga-audit: " + SINK_SIGNING_KEY + " must be at least 32 characters");
        }
        return key.strip().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** 1 (a record per post, as any webhook takes it) by default; up to {@value #MAX_SINK_BATCH}. */
    private static int sinkBatchSize(Config.Scope scope) {
        int size = positive(scope, SINK_BATCH, 1);
        if (size > MAX_SINK_BATCH) {
            throw new IllegalArgumentException("kinga-audit: " + SINK_BATCH + " must be at most " + MAX_SINK_BATCH + ", was " + size);
        }
        return size;
    }

    private static int positive(Config.Scope scope, String key, int fallback) {
        int value = scope.getInt(key, fallback);
        if (value <= 0) {
            throw new IllegalArgumentException("kinga-audit: " + key + " must be positive, was " + value);
        }
        return value;
    }

    private static List<String> split(String list) {
        return Arrays.stream(list.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .collect(Collectors.toList());
    }
}
