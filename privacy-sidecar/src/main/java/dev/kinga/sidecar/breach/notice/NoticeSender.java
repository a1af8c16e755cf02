package dev.kinga.sidecar.breach.notice;

import dev.kinga.sidecar.audit.AuditTrail;
import dev.kinga.sidecar.breach.BreachClock;
import dev.kinga.sidecar.breach.BreachIncident;
import dev.kinga.sidecar.breach.NoticeDrafts;
import dev.kinga.sidecar.subject.KeycloakPrivacy;
import io.quarkus.mailer.Mail;
import io.quarkus.mailer.Mailer;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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

    @ConfigProperty(name = "kinga.breach.notice-max-attempts", defaultValue = "6")
    int maxAttempts;

    @ConfigProperty(name = "kinga.breach.notice-retry-delay", defaultValue = "PT30S")
    Duration retryDelay;

    @ConfigProperty(name = "kinga.breach.notice-lease", defaultValue = "PT2M")
    Duration lease;

    @Scheduled(every = "${kinga.breach.notice-poll:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void poll() {
        Instant until = Instant.now().plusSeconds(50);
        List<String> batch;
        while (Instant.now().isBefore(until) && !(batch = claim()).isEmpty()) {
            batch.forEach(this::deliver);
        }
    }

    @Transactional
    List<String> claim() {
        Instant now = clock.now();
        @SuppressWarnings("unchecked")
        List<String> ids = em.createNativeQuery("SELECT n.id FROM breach_notice n WHERE n.status = 'PENDING' AND n.next_attempt_at <= ?1"
                        + " AND (n.lease_until IS NULL OR n.lease_until <= ?1) ORDER BY n.next_attempt_at LIMIT ?2 FOR UPDATE SKIP LOCKED")
                .setParameter(1, now).setParameter(2, BATCH).getResultList();
        List<String> claimed = new ArrayList<>();
        for (String id : ids) {
            BreachNotice n = em.find(BreachNotice.class, id);
            n.leaseUntil = now.plus(lease);
            n.attempts++;
            claimed.add(id);
        }
        return claimed;
    }

    /** A claimed notice: who gets it, and the incident it tells of (read in their own transaction). */
    record Job(String userId, BreachIncident incident) {
    }

    @Transactional
    Job load(String id) {
        BreachNotice notice = em.find(BreachNotice.class, id);
        return new Job(notice.userId, em.find(BreachIncident.class, notice.incidentId));
    }

    void deliver(String id) {
        Job job = load(id);
        BreachIncident incident = job.incident();
        try {
            KeycloakPrivacy.Contact contact = keycloak.contact(job.userId());
            if (contact == null || contact.email() == null) {
                finish(id, NoticeStatus.NO_ADDRESS, null, contact == null ? "no such user in Keycloak" : "no e-mail address in Keycloak");
                return;
            }
            NoticeDrafts.Draft draft = drafts.person(incident, NoticeDrafts.language(contact.locale()), contact.firstName());
            mailer.send(Mail.withText(contact.email(), draft.subject(), draft.body()));
            finish(id, NoticeStatus.SENT, draft.language(), null);
        } catch (RuntimeException e) {
            String reason = e instanceof KeycloakPrivacy.ConnectorException ? e.getMessage() : e.getClass().getSimpleName();
            LOG.warnf("breach notice %s: delivery failed (%s)", id, reason);
            retryOrFail(id, reason);
        }
    }

    @Transactional
    void finish(String id, NoticeStatus status, String language, String note) {
        BreachNotice n = em.find(BreachNotice.class, id, LockModeType.PESSIMISTIC_WRITE);
        n.status = status;
        n.locale = language;
        n.leaseUntil = null;
        n.lastError = note;
        n.sentAt = status == NoticeStatus.SENT ? clock.now() : null;
        trail.appendByService("BREACH_NOTICE_" + status.name(), Map.of("incident", n.incidentId, "notice", n.id, "user", n.userId,
                "attempts", n.attempts));
    }

    @Transactional
    void retryOrFail(String id, String reason) {
        BreachNotice n = em.find(BreachNotice.class, id, LockModeType.PESSIMISTIC_WRITE);
        n.leaseUntil = null;
        n.lastError = reason.length() > 255 ? reason.substring(0, 255) : reason;
        if (n.attempts >= maxAttempts) {
            n.status = NoticeStatus.FAILED;
            trail.appendByService("BREACH_NOTICE_FAILED", Map.of("incident", n.incidentId, "notice", n.id, "user", n.userId,
                    "attempts", n.attempts));
        } else {
            n.nextAttemptAt = clock.now().plus(retryDelay.multipliedBy(1L << Math.min(10, n.attempts - 1)));
        }
    }
}
