package dev.kinga.sidecar.dsr;

import dev.kinga.sidecar.security.SelfServiceSettings;
import dev.kinga.sidecar.connector.KeycloakPrivacy;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.kinga.sidecar.security.BadRequestException;
import dev.kinga.sidecar.security.Permissions;
import dev.kinga.sidecar.security.Refusal;
import dev.kinga.sidecar.security.StepUp;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * {@code /api/v1/me/requests}: a signed-in person asks for their own export or erasure, follows
 * them, downloads their archive and cancels, with their own token (the subject is always the
 * token's {@code sub}, never a parameter). Reading and exporting need {@code own-data:read};
 * erasure and its cancellation {@code own-data:delete}; asking for erasure and making a download
 * link need a sign-in within {@code kinga.self-service.erasure-max-auth-age} (a session left open
 * on a shared computer is not enough). An erasure with a grace period disables the account at once, so the person gets a
 * cancellation code, shown once, to cancel with while they cannot sign in
 * ({@code POST /api/v1/me/cancel-erasure}, no token).
 */
@Path("/api/v1/me")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class MyRequestsResource {

    private static final CacheControl NO_STORE = CacheControl.valueOf("no-store");
    /** Self-service exports a person may ask for in 24 hours (each calls every app). */
    static final int EXPORTS_PER_DAY = 5;

    @Inject
    DataSubjectRequests requests;

    @Inject
    DsrArchives archives;

    @Inject
    KeycloakPrivacy keycloak;

    @Inject
    StepUp stepUp;

    @Inject
    EntityManager em;

    @Inject
    JsonWebToken jwt;

    @Inject
    SecurityIdentity identity;

    /** How recent a sign-in must be to ask for erasure or to download a copy. */
    @Inject
    SelfServiceSettings selfService;

    /** @param graceDays erasure only: omitted for the configured grace period, 0 to erase at once */
    public record NewRequest(String type, Integer graceDays) {
    }

    public record CancelCode(String code) {
    }

    /** A person's view of their request: what, where it stands, when; no officer's notes or ids. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record MyView(String id, String type, String status, Instant receivedAt, Instant dueAt, Instant erasureAt,
                         boolean cancellable, Instant archiveExpiresAt, String cancelCode) {
    }

    @GET
    @Path("requests")
    @RolesAllowed(Permissions.OWN_DATA_READ)
    public List<MyView> mine() {
        return requests.list(null, person(), 100).stream().map(r -> view(r, null)).toList();
    }

    @GET
    @Path("requests/{id}")
    @RolesAllowed(Permissions.OWN_DATA_READ)
    public MyView one(@PathParam("id") String id) {
        return view(requests.findOwn(id, person()), null);
    }

    @POST
    @Path("requests")
    @RolesAllowed({Permissions.OWN_DATA_READ, Permissions.OWN_DATA_DELETE})
    public Response create(NewRequest body) {
        if (body == null || body.type() == null) {
            throw new BadRequestException("a JSON body is required: {\"type\": \"export\"|\"erasure\"}");
        }
        String me = person();
        String type = body.type().toLowerCase(Locale.ROOT);
        if ("export".equals(type)) {
            require(Permissions.OWN_DATA_READ);
            if (body.graceDays() != null) {
                throw new BadRequestException("graceDays applies to erasures only");
            }
            List<DsrRequest> mine = requests.list(null, me, 100);
            if (mine.stream().anyMatch(r -> r.type == DsrType.EXPORT && !r.status.finished())) {
                throw new Refusal(409, "export_pending", "Your last export is still being prepared; it will be ready soon");
            }
            Instant dayAgo = requests.now().minus(Duration.ofDays(1));
            if (mine.stream().filter(r -> r.type == DsrType.EXPORT && me.equals(r.createdBy) && r.receivedAt.isAfter(dayAgo)).count()
                    >= EXPORTS_PER_DAY) {
                throw new Refusal(429, "too_many_exports", "You asked for " + EXPORTS_PER_DAY
                        + " copies of your data in the last 24 hours; please use the last one or try again tomorrow");
            }
            DsrRequest created = requests.create(DsrType.EXPORT, me, me, null, 0, me);
            return Response.status(201).entity(view(created, null)).cacheControl(NO_STORE).build();
        }
        if (!"erasure".equals(type)) {
            throw new BadRequestException("type must be export or erasure");
        }
        require(Permissions.OWN_DATA_DELETE);
        stepUp.requireRecentSignIn(jwt, selfService.erasureMaxAuthAge());
        int grace = requests.graceDays(body.graceDays());
        DsrRequest created = requests.create(DsrType.ERASURE, me, me, null, grace, me);
        String code = null;
        if (grace > 0) {
            boolean held;
            try {
                held = keycloak.hold(me);
            } catch (KeycloakPrivacy.ConnectorException e) {
                requests.abandon(created.id, "the account could not be disabled: Keycloak refused or was unreachable");
                throw e;
            }
            if (!held) {
                requests.abandon(created.id, "Keycloak has no such account");
                throw new Refusal(404, "unknown_subject", "Keycloak has no account for your token's subject");
            }
            code = requests.issueCancelCode(created.id);
        }
        return Response.status(201).entity(view(requests.find(created.id), code)).cacheControl(NO_STORE).build();
    }

    @POST
    @Path("requests/{id}/cancel")
    @RolesAllowed(Permissions.OWN_DATA_DELETE)
    public MyView cancel(@PathParam("id") String id) {
        DsrRequest r = requests.findOwn(id, person());
        // Only what the person asked for themselves, before it runs: an officer's erasure (or a
        // failed one) is the officer's to cancel.
        if (!person().equals(r.createdBy) || (r.status != DsrStatus.RECEIVED && r.status != DsrStatus.SCHEDULED)) {
            throw new Refusal(409, "not_cancellable", "Only a request you made that has not started can be cancelled here;"
                    + " ask the privacy officer");
        }
        return view(requests.cancel(id, person(), "cancelled by the person"), null);
    }

    /**
     * Cancels an erasure with the code its requester was given, without a token (their account is
     * disabled during the grace period). The account comes back as it was. Answers only the status:
     * the code's bearer learns nothing about the person.
     */
    @POST
    @Path("cancel-erasure")
    @PermitAll
    public Response cancelWithCode(CancelCode body) {
        requests.cancelByCode(body == null || body.code() == null ? null : body.code().strip());
        return Response.ok(java.util.Map.of("status", DsrStatus.CANCELLED.apiName())).cacheControl(NO_STORE).build();
    }

    @POST
    @Path("requests/{id}/archive-link")
    @RolesAllowed(Permissions.OWN_DATA_READ)
    public Response link(@PathParam("id") String id) {
        requests.findOwn(id, person());
        // A copy of everything about the person: not for a browser someone left signed in.
        stepUp.requireRecentSignIn(jwt, selfService.erasureMaxAuthAge());
        DsrArchives.Link link = archives.link(id, jwt);
        return Response.status(201).entity(new DsrResource.LinkView("/api/v1/me/archives/" + link.token(), link.expiresAt()))
                .cacheControl(NO_STORE).build();
    }

    @GET
    @Path("archives/{token}")
    @RolesAllowed(Permissions.OWN_DATA_READ)
    public Response download(@PathParam("token") String token) {
        return Response.ok(archives.download(token, jwt), MediaType.APPLICATION_JSON_TYPE).cacheControl(NO_STORE)
                .header("Content-Disposition", "attachment; filename=\"my-data.json\"").build();
    }

    /** The archive encrypted with OpenPGP to a passphrase: {@code gpg --decrypt} opens it. */
    @POST
    @Path("archives/{token}")
    @RolesAllowed(Permissions.OWN_DATA_READ)
    @Produces({"application/pgp-encrypted", MediaType.APPLICATION_JSON})
    public Response downloadEncrypted(@PathParam("token") String token, DsrResource.EncryptedDownload body) {
        return DsrResource.encrypted(archives, token, jwt, body, "my-data.json.asc");
    }

    private String person() {
        String sub = jwt.getSubject();
        if (sub == null || sub.isBlank()) {
            throw new Refusal(403, "forbidden", "The token names no person (no sub)");
        }
        return sub;
    }

    private void require(String permission) {
        if (!identity.hasRole(permission)) {
            throw new Refusal(403, "forbidden", "Your permissions (kinga-api roles) do not allow this operation (" + permission + ")");
        }
    }

    private MyView view(DsrRequest r, String cancelCode) {
        Instant archiveExpiresAt = null;
        if (r.type == DsrType.EXPORT && r.status == DsrStatus.COMPLETED) {
            DsrArchive archive = em.find(DsrArchive.class, r.id);
            archiveExpiresAt = archive == null || !archive.expiresAt.isAfter(requests.now()) ? null : archive.expiresAt;
        }
        return new MyView(r.id, r.type.name().toLowerCase(Locale.ROOT), r.status.apiName(), r.receivedAt, r.dueAt,
                r.type == DsrType.ERASURE && !r.status.finished() ? r.runAfter : null, r.status.cancellable(),
                archiveExpiresAt, cancelCode);
    }
}
