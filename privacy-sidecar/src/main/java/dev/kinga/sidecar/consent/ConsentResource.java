package dev.kinga.sidecar.consent;

import dev.kinga.sidecar.connector.KeycloakPrivacy;
import dev.kinga.sidecar.security.ApiError;
import dev.kinga.sidecar.security.BadRequestException;
import dev.kinga.sidecar.security.Permissions;
import dev.kinga.sidecar.security.Refusal;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * {@code /api/v1/consent}: purposes and their versions, grants and withdrawals recorded by an
 * officer (permission {@code consent:manage}), a person's history and current state, and who
 * consents to a purpose. People see and change their own consents at {@code /api/v1/me/consents}
 * ({@link MyConsentResource}).
 */
@Path("/api/v1/consent")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class ConsentResource {

    static final Pattern PURPOSE_KEY = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    static final Pattern SOURCE = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    static final int MAX_TEXT = 20_000;

    @Inject
    ConsentLedger ledger;

    @Inject
    KeycloakPrivacy keycloak;

    @Inject
    JsonWebToken jwt;

    public record PurposeRequest(String text, Integer version) {
    }

    public record PurposeView(String key, int version, String text, Instant createdAt) {
        static PurposeView of(ConsentPurpose p) {
            return new PurposeView(p.key, p.version, p.text, p.createdAt);
        }
    }

    public record RecordRequest(String subject, String purpose, Integer version, String action, String source) {
    }

    public record RecordView(String id, String subjectId, String purpose, int version, String action, Instant at,
                             String actor, String source) {
        static RecordView of(ConsentRecord r) {
            return new RecordView(r.id, r.subjectId, r.purposeKey, r.purposeVersion, r.granted ? "grant" : "withdraw", r.at,
                    r.actor, r.source);
        }
    }

    public record SubjectView(String subjectId, List<ConsentLedger.State> current, List<RecordView> history) {
    }

    public record ConsentingView(String purpose, int minVersion, List<String> subjectIds) {
    }

    @PUT
    @Path("purposes/{key}")
    @RolesAllowed(Permissions.CONSENT_MANAGE)
    public Response publish(@PathParam("key") String key, PurposeRequest body) {
        key = purposeKey(key);
        if (body == null || body.text() == null || body.text().isBlank() || body.text().length() > MAX_TEXT) {
            throw new BadRequestException("text is required (what people are asked to consent to, at most " + MAX_TEXT + " characters)");
        }
        if (body.version() == null || body.version() < 1) {
            throw new BadRequestException("version is required: a whole number from 1, above the purpose's current version");
        }
        boolean added = ledger.publish(key, body.version(), body.text(), jwt);
        return Response.status(added ? 201 : 200).entity(PurposeView.of(ledger.versions(key).get(0))).build();
    }

    @GET
    @Path("purposes")
    @RolesAllowed(Permissions.CONSENT_MANAGE)
    public List<PurposeView> purposes() {
        return ledger.purposes().stream().map(PurposeView::of).toList();
    }

    @GET
    @Path("purposes/{key}")
    @RolesAllowed(Permissions.CONSENT_MANAGE)
    public List<PurposeView> versions(@PathParam("key") String key) {
        return ledger.versions(purposeKey(key)).stream().map(PurposeView::of).toList();
    }

    /** Who consents now to the purpose, at version {@code minVersion} or later. */
    @GET
    @Path("purposes/{key}/subjects")
    @RolesAllowed(Permissions.CONSENT_MANAGE)
    public ConsentingView consenting(@PathParam("key") String key, @QueryParam("minVersion") Integer minVersion,
                                     @QueryParam("max") Integer max) {
        int min = minVersion == null ? 1 : minVersion;
        int limit = max == null ? 1000 : max;
        if (min < 1 || limit < 1 || limit > 10_000) {
            throw new BadRequestException("minVersion must be at least 1, max between 1 and 10000");
        }
        key = purposeKey(key);
        return new ConsentingView(key, min, ledger.consenting(key, min, limit));
    }

    @POST
    @Path("records")
    @RolesAllowed(Permissions.CONSENT_MANAGE)
    public Response record(RecordRequest body) {
        if (body == null || body.subject() == null || body.subject().isBlank() || body.subject().length() > 255) {
            throw new BadRequestException("subject is required: a Keycloak user id or username");
        }
        boolean granted = action(body.action());
        String key = purposeKey(body.purpose());
        String source = body.source() == null ? "officer" : body.source();
        if (!SOURCE.matcher(source).matches()) {
            throw new BadRequestException("source: 1 to 64 letters, digits, '.', '_' or '-' (e.g. paper-form)");
        }
        String subjectId = keycloak.resolve(body.subject().strip());
        if (subjectId == null) {
            return ApiError.response(404, "unknown_subject", "Keycloak has no user with this id or username");
        }
        ConsentRecord r = ledger.record(subjectId, key, body.version(), granted, source, jwt);
        return Response.status(201).entity(RecordView.of(r)).build();
    }

    @GET
    @Path("subjects/{subject}")
    @RolesAllowed(Permissions.CONSENT_MANAGE)
    public SubjectView subject(@PathParam("subject") String subject) {
        String subjectId = subject == null || subject.length() > 255 ? null : keycloak.resolve(subject.strip());
        if (subjectId == null) {
            throw new Refusal(404, "unknown_subject", "Keycloak has no user with this id or username");
        }
        return view(ledger, subjectId);
    }

    static SubjectView view(ConsentLedger ledger, String subjectId) {
        return new SubjectView(subjectId, ledger.current(subjectId), ledger.history(subjectId).stream().map(RecordView::of).toList());
    }

    static boolean action(String action) {
        if (action == null) {
            throw new BadRequestException("action is required: grant or withdraw");
        }
        return switch (action.toLowerCase(Locale.ROOT)) {
            case "grant" -> true;
            case "withdraw" -> false;
            default -> throw new BadRequestException("action must be grant or withdraw");
        };
    }

    static String purposeKey(String key) {
        if (key == null || !PURPOSE_KEY.matcher(key).matches()) {
            throw new BadRequestException("purpose: a key of lower-case letters, digits, '.', '_' or '-' (at most 64), e.g. research-2027");
        }
        return key;
    }
}
