package dev.kinga.sidecar.breach.notice;

import dev.kinga.sidecar.breach.BreachConfig;
import dev.kinga.sidecar.audit.AuditTrail;
import dev.kinga.sidecar.breach.BreachClock;
import dev.kinga.sidecar.breach.BreachIncident;
import dev.kinga.sidecar.connector.KeycloakPrivacy;
import dev.kinga.sidecar.jobs.LeasedJobs;
import dev.kinga.sidecar.jobs.LeasedJobs.Claim;
import io.quarkus.mailer.Mail;
import io.quarkus.mailer.Mailer;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Sends the people's notices: claims due notices with {@code SELECT ... FOR UPDATE SKIP LOCKED}
 * (so sidecars on one database never send one notice twice at once) and a lease, looks each person
 * up in Keycloak (address, first name, language), renders their notice in their language and hands
 * it to the SMTP server. A failure is retried with exponential back-off; after
 * {@code kinga.breach.notice-max-attempts} the notice is {@code failed} and the DPO sees it. A
 * sidecar killed between the SMTP server's answer and the commit sends that notice again when the
 * lease runs out: delivery is at least once.
 */
@ApplicationScoped
public class NoticeSender {

    private static final Logger LOG = Logger.getLogger(NoticeSender.class);
    private static final int BATCH = 20;
    /** One poll sends for at most this long, then lets the next start. */
    private static final Duration DRAIN_LIMIT = Duration.ofSeconds(50);

    @Inject
    EntityManager em;

    @Inject
    Mailer mailer;

    @Inject
    NoticeDrafts drafts;

    @Inject
    KeycloakPrivacy keycloak;

    @Inject
    AuditTrail trail;

    @Inject
    BreachClock clock;

    @Inject
    BreachConfig config;

    @Scheduled(every = "${kinga.breach.notice-poll:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void poll() {
        LeasedJobs.drain(DRAIN_LIMIT, this::claim, batch -> {
            batch.forEach(this::deliver);
            return true;
        });
    }

    @Transactional
    List<Claim> claim() {
        Instant now = clock.now();
        @SuppressWarnings("unchecked")
        List<String> ids = em.createNativeQuery("SELECT n.id FROM breach_notice n WHERE n.status = 'PENDING' AND n.next_attempt_at <= ?1"
                        + " AND (n.lease_until IS NULL OR n.lease_until <= ?1) ORDER BY n.next_attempt_at LIMIT ?2 FOR UPDATE SKIP LOCKED")
                .setParameter(1, now).setParameter(2, BATCH).getResultList();
        List<Claim> claimed = new ArrayList<>();
        for (String id : ids) {
            BreachNotice n = em.find(BreachNotice.class, id);
            n.leaseUntil = now.plus(config.noticeLease());
            n.attempts++;
            claimed.add(new Claim(id, n.attempts));
        }
        return claimed;
    }

    /** A claimed notice: who gets it, and the incident it tells of (read in their own transaction). */
    record Job(String userId, boolean allowUnverified, BreachIncident incident) {
    }

    @Transactional
    Job load(String id) {
        BreachNotice notice = em.find(BreachNotice.class, id);
        return new Job(notice.userId, notice.allowUnverified, em.find(BreachIncident.class, notice.incidentId));
    }

    void deliver(Claim claim) {
        Job job = load(claim.id());
        try {
            KeycloakPrivacy.Contact contact = keycloak.contact(job.userId());
            String unusable = unusable(contact, job);
            if (unusable != null) {
                finish(claim, NoticeStatus.NO_ADDRESS, null, unusable, null);
                return;
            }
            NoticeDrafts.Draft draft = drafts.person(job.incident(), NoticeDrafts.language(contact.locale()), contact.firstName());
            try {
                mailer.send(Mail.withText(contact.email(), draft.subject(), draft.body()));
            } catch (IllegalArgumentException refusedAddress) {
                // The mailer refused the message itself (an address it cannot parse): no retry will change that.
                LOG.warnf("breach notice %s: the mailer refused the address", claim.id());
                finish(claim, NoticeStatus.FAILED, null, "the mailer refused the e-mail address in Keycloak", null);
                return;
            }
            finish(claim, NoticeStatus.SENT, draft.language(), null, new Sent(contact.emailVerified(), sha256(draft.subject() + "\n" + draft.body())));
        } catch (RuntimeException e) {
            String reason = e instanceof KeycloakPrivacy.ConnectorException ? e.getMessage() : e.getClass().getSimpleName();
            LOG.warnf("breach notice %s: delivery failed (%s)", claim.id(), reason);
            retryOrFail(claim, reason);
        }
    }

    /** Why the person's address cannot be used, or null when it can. */
    private String unusable(KeycloakPrivacy.Contact contact, Job job) {
        if (contact == null) {
            return "no such user in Keycloak";
        }
        if (contact.email() == null) {
            return "no e-mail address in Keycloak";
        }
        if (!MailAddresses.usable(contact.email())) {
            return "the e-mail address in Keycloak is not one a mail server takes (e.g. quoted or with spaces)";
        }
        if (config.noticeVerifiedAddressesOnly() && !job.allowUnverified() && !contact.emailVerified()) {
            return "the e-mail address is not verified (the person set it and never confirmed it)";
        }
        return null;
    }

    /** What a sent notice records: whether the address was verified, and the hash of what was sent. */
    record Sent(boolean addressVerified, String contentHash) {
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether the notice is still this sender's: pending, on the attempt it claimed (no other sender took it over). */
    private BreachNotice held(Claim claim) {
        BreachNotice n = em.find(BreachNotice.class, claim.id(), LockModeType.PESSIMISTIC_WRITE);
        return n != null && n.status == NoticeStatus.PENDING && n.attempts == claim.attempt() ? n : null;
    }

    @Transactional
    void finish(Claim claim, NoticeStatus status, String language, String note, Sent sent) {
        BreachNotice n = held(claim);
        if (n == null) {
            return; // another sender took it over after this one's lease ran out
        }
        n.status = status;
        n.locale = language;
        n.leaseUntil = null;
        n.lastError = note;
        n.sentAt = status == NoticeStatus.SENT ? clock.now() : null;
        if (sent != null) {
            n.addressVerified = sent.addressVerified();
            n.contentHash = sent.contentHash();
        }
        trail.appendByService("BREACH_NOTICE_" + status.name(), Map.of("incident", n.incidentId, "notice", n.id, "user", n.userId,
                "attempts", n.attempts));
    }

    @Transactional
    void retryOrFail(Claim claim, String reason) {
        BreachNotice n = held(claim);
        if (n == null) {
            return;
        }
        n.leaseUntil = null;
        n.lastError = reason.length() > 255 ? reason.substring(0, 255) : reason;
        if (n.attempts >= config.noticeMaxAttempts()) {
            n.status = NoticeStatus.FAILED;
            trail.appendByService("BREACH_NOTICE_FAILED", Map.of("incident", n.incidentId, "notice", n.id, "user", n.userId,
                    "attempts", n.attempts));
        } else {
            n.nextAttemptAt = clock.now().plus(LeasedJobs.backoff(config.noticeRetryDelay(), n.attempts));
        }
    }
}
