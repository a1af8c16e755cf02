package dev.kinga.sidecar.subject;

import dev.kinga.sidecar.audit.AuditTrail;
import dev.kinga.sidecar.security.Refusal;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Download links to finished exports. A link is a random 256-bit token shown once; only its
 * SHA-256 is stored. It works once, and never after the archive expires (the archive itself is
 * deleted then). Creating a link and downloading are both in the audit trail.
 */
@ApplicationScoped
public class DsrArchives {

    private static final SecureRandom RANDOM = new SecureRandom();

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
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        DsrArchiveLink link = new DsrArchiveLink();
        link.tokenHash = sha256(token);
        link.requestId = requestId;
        link.createdBy = caller.getSubject();
        link.createdAt = requests.now();
        link.expiresAt = archive.expiresAt;
        em.persist(link);
        trail.append("DSR_ARCHIVE_LINK", caller, details(requestId));
        return new Link(token, link.expiresAt);
    }

    /** The archive behind a link, which is used up by this call. */
    @Transactional
    public String download(String token, JsonWebToken caller) {
        DsrArchiveLink link = token == null || token.length() > 100 ? null
                : em.find(DsrArchiveLink.class, sha256(token), LockModeType.PESSIMISTIC_WRITE);
        if (link == null) {
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

    private static String sha256(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
