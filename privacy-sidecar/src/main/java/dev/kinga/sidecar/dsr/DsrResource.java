package dev.kinga.sidecar.dsr;

import dev.kinga.sidecar.connector.KeycloakPrivacy;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kinga.sidecar.security.BadRequestException;
import dev.kinga.sidecar.security.Permissions;
import dev.kinga.sidecar.security.Refusal;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * {@code /api/v1/dsr}: data-subject requests for compliance staff (permission {@code dsr:manage}).
 * Create an export or an erasure, list and read them (history and receipt), cancel one that has
 * not started, extend its due date with a reason, and download a finished export through a
 * one-time link.
 */
@Path("/api/v1/dsr")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class DsrResource {

    static final int MAX_SUBJECT = 255;
    static final int MAX_TEXT = 2000;
    private static final CacheControl NO_STORE = CacheControl.valueOf("no-store");

    @Inject
    DataSubjectRequests requests;

    @Inject
    DsrArchives archives;

    @Inject
    KeycloakPrivacy keycloak;

    @Inject
    JsonWebToken jwt;

    @Inject
    ObjectMapper json;

    public record CreateRequest(String type, String subject, String reason, Integer graceDays) {
    }

    public record ExtendRequest(Integer days, String reason) {
    }

    public record CancelRequest(String reason) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record View(String id, String type, String status, String subject, String subjectId, String reason,
                       Integer graceDays, Instant receivedAt, Instant dueAt, Instant runAfter, boolean overdue,
                       Integer attempts, String lastError, JsonNode receipt, List<Step> history) {
    }

    public record Step(Instant at, String from, String to, String actor, String note) {
    }

    public record LinkView(String url, Instant expiresAt) {
    }

    public record EncryptedDownload(String passphrase, String publicKey) {
    }

    @POST
    @RolesAllowed(Permissions.DSR_MANAGE)
    public Response create(CreateRequest body) {
        if (body == null) {
            throw new BadRequestException("a JSON body is required: {\"type\": \"export\"|\"erasure\", \"subject\": \"...\"}");
        }
        DsrType type = type(body.type());
        String subject = body.subject() == null ? "" : body.subject().strip();
        if (subject.isEmpty() || subject.length() > MAX_SUBJECT) {
            throw new BadRequestException("subject is required: a Keycloak user id or username (at most " + MAX_SUBJECT + " characters)");
        }
        String reason = text("reason", body.reason());
        if (type == DsrType.EXPORT && body.graceDays() != null) {
            throw new BadRequestException("graceDays applies to erasures only");
        }
        int grace = type == DsrType.ERASURE ? requests.graceDays(body.graceDays()) : 0;
        String subjectId = keycloak.resolve(subject);
        if (subjectId == null) {
            throw new Refusal(404, "unknown_subject", "Keycloak has no user with this id or username");
        }
        DsrRequest created = requests.create(type, subject, subjectId, reason, grace, jwt.getSubject());
        if (type == DsrType.ERASURE && grace > 0) {
            boolean held;
            try {
                held = keycloak.hold(subjectId); // the account stays disabled until the erasure runs or is cancelled
            } catch (KeycloakPrivacy.ConnectorException e) {
                requests.abandon(created.id, "the account could not be disabled: Keycloak refused or was unreachable");
                throw e;
            }
            if (!held) {
                requests.abandon(created.id, "Keycloak has no such account");
                throw new Refusal(404, "unknown_subject", "Keycloak has no user with this id or username");
            }
        }
        return Response.status(201).entity(view(created, false)).cacheControl(NO_STORE).build();
    }

    @GET
    @RolesAllowed(Permissions.DSR_MANAGE)
    public List<View> list(@QueryParam("status") String status, @QueryParam("subject") String subject,
                           @QueryParam("max") Integer max) {
        DsrStatus wanted = null;
        if (status != null && !status.isBlank()) {
            if (!DsrStatus.NAMES.contains(status.toLowerCase(Locale.ROOT))) {
                throw new BadRequestException("status must be one of " + String.join(", ", DsrStatus.NAMES.stream().sorted().toList()));
            }
            wanted = DsrStatus.valueOf(status.toUpperCase(Locale.ROOT));
        }
        int limit = max == null ? 100 : max;
        if (limit < 1 || limit > 1000) {
            throw new BadRequestException("max must be between 1 and 1000");
        }
        String subjectId = null;
        if (subject != null && !subject.isBlank()) {
            subjectId = keycloak.resolve(subject.strip());
            if (subjectId == null) {
                return List.of();
            }
        }
        return requests.list(wanted, subjectId, limit).stream().map(r -> view(r, false)).toList();
    }

    @GET
    @Path("{id}")
    @RolesAllowed(Permissions.DSR_MANAGE)
    public View get(@PathParam("id") String id) {
        return view(requests.find(id), true);
    }

    @POST
    @Path("{id}/cancel")
    @RolesAllowed(Permissions.DSR_MANAGE)
    public View cancel(@PathParam("id") String id, CancelRequest body) {
        String reason = text("reason", body == null ? null : body.reason());
        return view(requests.cancel(id, jwt.getSubject(), reason), true); // an erasure's account is given back first
    }

    @POST
    @Path("{id}/extend")
    @RolesAllowed(Permissions.DSR_MANAGE)
    public View extend(@PathParam("id") String id, ExtendRequest body) {
        if (body == null || body.days() == null) {
            throw new BadRequestException("days is required, with a reason");
        }
        String reason = text("reason", body.reason());
        return view(requests.extend(id, body.days(), reason, jwt.getSubject()), true);
    }

    @POST
    @Path("{id}/archive-link")
    @RolesAllowed(Permissions.DSR_MANAGE)
    public Response link(@PathParam("id") String id) {
        DsrArchives.Link link = archives.link(id, jwt);
        return Response.status(201).entity(new LinkView("/api/v1/dsr/archives/" + link.token(), link.expiresAt()))
                .cacheControl(NO_STORE).build();
    }

    @GET
    @Path("archives/{token}")
    @RolesAllowed(Permissions.DSR_MANAGE)
    public Response download(@PathParam("token") String token) {
        String archive = archives.download(token, jwt);
        return Response.ok(archive, MediaType.APPLICATION_JSON_TYPE).cacheControl(NO_STORE)
                .header("Content-Disposition", "attachment; filename=\"kinga-export.json\"").build();
    }

    /**
     * The archive encrypted with OpenPGP to a passphrase or a public key (exactly one), ASCII
     * armoured: {@code gpg --decrypt} opens it. Checked before the link is used up.
     */
    @POST
    @Path("archives/{token}")
    @RolesAllowed(Permissions.DSR_MANAGE)
    @Produces({"application/pgp-encrypted", MediaType.APPLICATION_JSON})
    public Response downloadEncrypted(@PathParam("token") String token, EncryptedDownload body) {
        return encrypted(archives, token, jwt, body, "kinga-export.json.asc");
    }

    /** The archive behind a link, OpenPGP-encrypted to exactly one of a passphrase or a public key; checked before the link is used up. */
    static Response encrypted(DsrArchives archives, String token, JsonWebToken caller, EncryptedDownload body, String filename) {
        boolean passphrase = body != null && body.passphrase() != null;
        boolean publicKey = body != null && body.publicKey() != null;
        if (passphrase == publicKey) {
            throw new BadRequestException("give exactly one of passphrase or publicKey (ASCII-armoured OpenPGP)");
        }
        ArchiveEncryption.Recipient recipient;
        try {
            recipient = passphrase ? ArchiveEncryption.passphrase(body.passphrase()) : ArchiveEncryption.publicKey(body.publicKey());
        } catch (ArchiveEncryption.UnusableKey e) {
            throw new BadRequestException(e.getMessage());
        }
        byte[] encrypted = recipient.encrypt(archives.download(token, caller));
        return Response.ok(encrypted, "application/pgp-encrypted").cacheControl(NO_STORE)
                .header("Content-Disposition", "attachment; filename=\"" + filename + "\"").build();
    }

    private static DsrType type(String type) {
        if (type == null) {
            throw new BadRequestException("type is required: export or erasure");
        }
        return switch (type.toLowerCase(Locale.ROOT)) {
            case "export" -> DsrType.EXPORT;
            case "erasure" -> DsrType.ERASURE;
            default -> throw new BadRequestException("type must be export or erasure");
        };
    }

    private static String text(String field, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        if (value.length() > MAX_TEXT) {
            throw new BadRequestException(field + ": at most " + MAX_TEXT + " characters");
        }
        return value.strip();
    }

    private View view(DsrRequest r, boolean withHistory) {
        JsonNode receipt = null;
        if (r.receipt != null) {
            try {
                receipt = json.readTree(r.receipt);
            } catch (IOException unreadable) {
                receipt = null;
            }
        }
        List<Step> history = withHistory ? requests.history(r.id).stream()
                .map(t -> new Step(t.at, t.fromStatus, t.toStatus, t.actor, t.note)).toList() : null;
        boolean overdue = !r.status.finished() && requests.now().isAfter(r.dueAt);
        return new View(r.id, r.type.name().toLowerCase(Locale.ROOT), r.status.apiName(), r.subject, r.subjectId, r.reason,
                r.graceDays, r.receivedAt, r.dueAt, r.status.finished() ? null : r.runAfter, overdue,
                r.attempts == 0 ? null : r.attempts, r.lastError, receipt, history);
    }
}
