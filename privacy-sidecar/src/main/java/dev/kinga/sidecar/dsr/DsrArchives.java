package dev.kinga.sidecar.dsr;

import dev.kinga.sidecar.audit.AuditTrail;
import dev.kinga.sidecar.security.Refusal;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Download links to finished exports. A link is a random 256-bit token shown once; only its
 * SHA-256 is stored. It works once, and never after the archive expires (the archive itself is
 * deleted then). Creating a link and downloading are both in the audit trail.
 */
@ApplicationScoped
public class DsrArchives {

    @Inject
    EntityManager em;

    @Inject
    DataSubjectRequests requests;

    @Inject
    AuditTrail trail;

    public record Link(String token, Instant expiresAt) {
    }

    @Transactional
    public Link link(String requestId, JsonWebToken caller) {
        DsrRequest r = requests.find(requestId);
        DsrArchive archive = em.find(DsrArchive.class, requestId);
        if (r.type != DsrType.EXPORT || r.status != DsrStatus.COMPLETED) {
            throw new Refusal(409, "no_archive", "Only a completed export has an archive");
        }
        if (archive == null || !archive.expiresAt.isAfter(requests.now())) {
            throw new Refusal(410, "archive_expired", "The archive has expired and was deleted; make a new export request");
        }
        String token = SecretTokens.newToken();
        DsrArchiveLink link = new DsrArchiveLink();
        link.tokenHash = SecretTokens.hash(token);
        link.requestId = requestId;
        link.createdBy = caller.getSubject();
        link.createdAt = requests.now();
        link.expiresAt = archive.expiresAt;
        em.persist(link);
        trail.append("DSR_ARCHIVE_LINK", caller, details(requestId));
        return new Link(token, link.expiresAt);
    }

    /**
     * The archive behind a link, which is used up by this call. A link works only for whoever made
     * it: a link that leaks (a log, a shared screen) is no use to another account.
     */
    @Transactional
    public String download(String token, JsonWebToken caller) {
        DsrArchiveLink link = !SecretTokens.wellFormed(token) ? null
                : em.find(DsrArchiveLink.class, SecretTokens.hash(token), LockModeType.PESSIMISTIC_WRITE);
        if (link == null || !link.createdBy.equals(caller.getSubject())) {
            throw new Refusal(404, "unknown_link", "No download link with this token");
        }
        if (link.usedAt != null) {
            throw new Refusal(410, "link_used", "This download link was used already; ask for a new one");
        }
        DsrArchive archive = em.find(DsrArchive.class, link.requestId);
        if (!link.expiresAt.isAfter(requests.now()) || archive == null) {
            throw new Refusal(410, "archive_expired", "The archive has expired and was deleted");
        }
        link.usedAt = requests.now();
        trail.append("DSR_ARCHIVE_DOWNLOAD", caller, details(link.requestId));
        return archive.content;
    }

    private static Map<String, Object> details(String requestId) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("request", requestId);
        return details;
    }
}
