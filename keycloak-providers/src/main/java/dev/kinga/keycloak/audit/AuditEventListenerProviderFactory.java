package dev.kinga.keycloak.audit;

import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.cluster.ClusterProvider;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.models.utils.PostMigrationEvent;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.provider.ProviderEvent;

import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The {@code kinga-audit} event listener: tamper-evident audit trail, outbox forwarding to
 * sinks, security detection and retention. Global by default, so no realm can be left out.
 */
public class AuditEventListenerProviderFactory implements EventListenerProviderFactory, AuditConfig.Source {

    public static final String PROVIDER_ID = AuditConfig.SOURCE_ID;
    private static final Logger LOG = Logger.getLogger(AuditEventListenerProviderFactory.class);
    private static final long RETENTION_INTERVAL_HOURS = 6;

    private AuditConfig config;
    private ScheduledExecutorService executor;
    private AuditForwarder forwarder;
    private AuditSequencer sequencer;

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public void init(Config.Scope scope) {
        config = AuditConfig.from(scope);
        LOG.infof("Kinga audit trail: %s, sinks %s, retention %d days, IP truncation %s",
                config.global() ? "all realms" : "realms that enable it", config.sinks(), config.retentionDays(),
                config.ipTruncation());
    }

    @Override
    public EventListenerProvider create(KeycloakSession session) {
        return new AuditEventListenerProvider(session, config, this::wakeSequencer);
    }

    @Override
    public boolean isGlobal() {
        return config.global();
    }

    @Override
    public AuditConfig auditConfig() {
        return config;
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kinga-audit");
            t.setDaemon(true);
            return t;
        });
        forwarder = new AuditForwarder(factory, config, executor);
        sequencer = new AuditSequencer(factory, config, this::wakeForwarder);
        factory.register(event -> onProviderEvent(factory, event));
    }

    private void onProviderEvent(KeycloakSessionFactory factory, ProviderEvent event) {
        if (event instanceof RealmModel.RealmPostCreateEvent created) {
            AuditTrail.ensureHead(created.getKeycloakSession(), created.getCreatedRealm().getId());
        } else if (event instanceof PostMigrationEvent) {
            KeycloakModelUtils.runJobInTransaction(factory, session ->
                    session.realms().getRealmsStream().forEach(realm -> AuditTrail.ensureHead(session, realm.getId())));
            sequencer.start();
            if (!config.sinks().isEmpty()) {
                forwarder.start();
            }
            executor.scheduleWithFixedDelay(() -> applyRetention(factory), 1, RETENTION_INTERVAL_HOURS * 60, TimeUnit.MINUTES);
            if (config.anchorKeys().configured()) {
                // First run right after start: records left unanchored when the server stopped are anchored
                // before it writes new ones, so the time it was down never reads as an anchor gap.
                executor.scheduleWithFixedDelay(() -> anchorAll(factory), config.anchorFirstDelaySeconds(),
                        config.anchorIntervalMinutes() * 60L, TimeUnit.SECONDS);
            } else {
                LOG.warn("Kinga audit trail: no anchor-keys configured, so the chain is not anchored outside the database: "
                        + "someone who can write the database could recompute every hash undetected (see docs/threat-model.md)");
            }
        }
    }

    /** This node's sequencer (null before postInit): the trail's admin resource runs it before a verify. */
    AuditSequencer sequencer() {
        return sequencer;
    }

    private void wakeSequencer() {
        if (sequencer != null) {
            sequencer.wake();
        }
    }

    private void wakeForwarder() {
        if (forwarder != null) {
            forwarder.wake();
        }
    }

    /** Prunes records older than the retention period, on one node of the cluster. */
    private void applyRetention(KeycloakSessionFactory factory) {
        long before = System.currentTimeMillis() - config.retentionDays() * 86_400_000L;
        try {
            KeycloakModelUtils.runJobInTransaction(factory, session -> session.getProvider(ClusterProvider.class)
                    .executeIfNotExecuted("kinga-audit-retention", 3600, () -> {
                        session.realms().getRealmsStream().forEach(realm -> {
                            long pruned = Anchors.prune(session, config, realm, before, null, null);
                            if (pruned > 0) {
                                LOG.infof("Kinga audit retention: pruned %d records of realm '%s'", pruned, realm.getName());
                            }
                        });
                        return null;
                    }));
        } catch (RuntimeException e) {
            LOG.warnf("Kinga audit retention run failed: %s", e.getClass().getSimpleName());
        }
    }

    /** Anchors every realm's head, on one node of the cluster per interval. */
    private void anchorAll(KeycloakSessionFactory factory) {
        try {
            KeycloakModelUtils.runJobInTransaction(factory, session -> session.getProvider(ClusterProvider.class)
                    .executeIfNotExecuted("kinga-audit-anchor", config.anchorIntervalMinutes() * 60 - 5, () -> {
                        session.realms().getRealmsStream().forEach(realm -> Anchors.anchor(session, config, realm, null, null));
                        return null;
                    }));
        } catch (RuntimeException e) {
            LOG.warnf("Kinga audit anchoring failed: %s", e.getClass().getSimpleName());
        }
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return ProviderConfigurationBuilder.create()
                .property().name(AuditConfig.GLOBAL).type(ProviderConfigProperty.BOOLEAN_TYPE).label("All realms")
                .helpText("Record the events of every realm, whether or not the realm lists this listener.")
                .defaultValue(true).add()
                .property().name(AuditConfig.SINKS).type(ProviderConfigProperty.STRING_TYPE).label("Sinks")
                .helpText("Comma-separated http(s) URLs that receive each record as JSON (POST, Idempotency-Key header; see Records per delivery),"
                        + " and/or 'log' for JSON lines in log category kinga.audit. Empty: no forwarding.")
                .defaultValue("").add()
                .property().name(AuditConfig.SINK_SIGNING_KEY).type(ProviderConfigProperty.PASSWORD).secret(true)
                .label("Sink signing key")
                .helpText("Shared secret (32+ characters) that signs each delivery to an http(s) sink: headers X-Kinga-Timestamp"
                        + " and X-Kinga-Signature (HMAC-SHA256 over method, path, timestamp and the body's SHA-256)."
                        + " The privacy sidecar refuses unsigned deliveries. Empty: deliveries go unsigned.").add()
                .property().name(AuditConfig.SINK_TIMEOUT).type(ProviderConfigProperty.INTEGER_TYPE).label("Sink timeout (ms)")
                .helpText("Connect and response timeout of one delivery.").defaultValue(5000).add()
                .property().name(AuditConfig.SINK_BATCH).type(ProviderConfigProperty.INTEGER_TYPE).label("Records per delivery")
                .helpText("1: each record is its own POST, a JSON object with its id as Idempotency-Key (any webhook takes it)."
                        + " 2 to 500: up to that many consecutive records of a realm in one POST, as a JSON array (the privacy"
                        + " sidecar's intake takes both); far fewer requests under load.").defaultValue(1).add()
                .property().name(AuditConfig.FORWARD_INTERVAL).type(ProviderConfigProperty.INTEGER_TYPE)
                .label("Forwarding interval (ms)").helpText("How often the outbox is checked besides after each commit.")
                .defaultValue(1000).add()
                .property().name(AuditConfig.MAX_BACKOFF).type(ProviderConfigProperty.INTEGER_TYPE).label("Maximum retry delay (ms)")
                .helpText("Retries back off exponentially from 1 s up to this delay: also how long a sink that came back"
                        + " may wait for the next delivery.").defaultValue(30000).add()
                .property().name(AuditConfig.IP_TRUNCATION).type(ProviderConfigProperty.LIST_TYPE).label("IP truncation")
                .helpText("NONE keeps client addresses; NETWORK stores only the IPv4 /24 or IPv6 /48 network.")
                .options("NONE", "NETWORK").defaultValue("NONE").add()
                .property().name(AuditConfig.RETENTION_DAYS).type(ProviderConfigProperty.INTEGER_TYPE).label("Retention (days)")
                .helpText("Records older than this are pruned behind a signed checkpoint.").defaultValue(365).add()
                .property().name(AuditConfig.RETENTION_FLOOR_DAYS).type(ProviderConfigProperty.INTEGER_TYPE)
                .label("Retention floor (days)")
                .helpText("Records younger than this are never pruned, whatever an admin asks through the API. "
                        + "Only the server's configuration sets it.").defaultValue(90).add()
                .property().name(AuditConfig.ANCHOR_KEYS).type(ProviderConfigProperty.PASSWORD).secret(true)
                .label("Anchor keys")
                .helpText("HMAC keys anchoring the chain outside the database: id:base64,id:base64 (32 bytes each, "
                        + "the first active). Keep old ids listed after a rotation.").add()
                .property().name(AuditConfig.ANCHOR_FIRST_DELAY).type(ProviderConfigProperty.INTEGER_TYPE)
                .label("First anchor after start (s)")
                .helpText("Seconds after start-up before the first scheduled anchor: soon, so the time the server was down never "
                        + "reads as a gap between anchors.").defaultValue(10).add()
                .property().name(AuditConfig.ANCHOR_INTERVAL).type(ProviderConfigProperty.INTEGER_TYPE)
                .label("Anchor interval (minutes)")
                .helpText("How often each realm's chain head is anchored (and forwarded to the sinks).").defaultValue(15).add()
                .property().name(AuditConfig.FAILED_LOGIN_THRESHOLD).type(ProviderConfigProperty.INTEGER_TYPE)
                .label("Failed logins per account").helpText("Alert at every Nth failed login of one account within the window.")
                .defaultValue(5).add()
                .property().name(AuditConfig.FAILED_LOGIN_WINDOW).type(ProviderConfigProperty.INTEGER_TYPE)
                .label("Failed-login window (s)").defaultValue(300).helpText("Window of the failed-login rule.").add()
                .property().name(AuditConfig.STUFFING_THRESHOLD).type(ProviderConfigProperty.INTEGER_TYPE)
                .label("Accounts per address").helpText("Alert when one address fails logins for this many accounts within the window.")
                .defaultValue(10).add()
                .property().name(AuditConfig.STUFFING_WINDOW).type(ProviderConfigProperty.INTEGER_TYPE)
                .label("Credential-stuffing window (s)").helpText("Window of the credential-stuffing rule.").defaultValue(300).add()
                .property().name(AuditConfig.PRIVILEGED_ROLES).type(ProviderConfigProperty.STRING_TYPE).label("Privileged roles")
                .helpText("Realm roles or realm-management roles whose grant, or whose holders' MFA removal, raises an alert.")
                .defaultValue(AuditConfig.DEFAULT_PRIVILEGED_ROLES).add()
                .property().name(AuditConfig.GUARDED_CLIENTS).type(ProviderConfigProperty.STRING_TYPE).label("Guarded clients")
                .helpText("Clients (by client id) whose every change, or new secret, raises an alert: the privacy sidecar's own "
                        + "and the clients it serves.")
                .defaultValue(AuditConfig.DEFAULT_GUARDED_CLIENTS).add()
                .property().name(AuditConfig.SEQUENCER_BATCH).type(ProviderConfigProperty.INTEGER_TYPE)
                .label("Sequencer batch size")
                .helpText("Most queued records one sequencer transaction links into a realm's chain.").defaultValue(1000).add()
                .property().name(AuditConfig.SEQUENCER_WINDOW).type(ProviderConfigProperty.INTEGER_TYPE)
                .label("Sequencer window (ms)")
                .helpText("How long the sequencer gathers records committed after a quiet spell before it links them:"
                        + " longer makes fewer, larger batches; shorter, a smaller merge delay.").defaultValue(50).add()
                .property().name(AuditConfig.MAX_MERGE_DELAY).type(ProviderConfigProperty.INTEGER_TYPE)
                .label("Maximum merge delay (s)")
                .helpText("A committed record still waiting for its place in the chain after this long raises a WARNING"
                        + " record (AUDIT_MERGE_DELAYED) and a log line: no node is sequencing the realm.").defaultValue(5).add()
                .build();
    }

    @Override
    public void close() {
        if (sequencer != null) {
            sequencer.stop();
        }
        if (executor != null) {
            executor.shutdownNow();
        }
    }
}
